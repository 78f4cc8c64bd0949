package dev.agentgatewayjcp.translator.output;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * ReadableProto renders a protobuf message as nested maps and lists for people to read (golden
 * files, debug endpoints): proto field names in field-number order, set fields only, enums by
 * name, durations as seconds strings, IP address bytes as text and other bytes as UTF-8 when they
 * are text.
 */
public final class ReadableProto {

  private ReadableProto() {}

  /** The message as an ordered map. */
  public static Map<String, Object> toMap(Message message) {
    Map<String, Object> out = new LinkedHashMap<>();
    if ("google.protobuf.Duration".equals(message.getDescriptorForType().getFullName())) {
      throw new IllegalArgumentException("a Duration is rendered as a scalar");
    }
    List<FieldDescriptor> fields = new ArrayList<>(message.getAllFields().keySet());
    fields.sort((a, b) -> Integer.compare(a.getNumber(), b.getNumber()));
    for (FieldDescriptor field : fields) {
      Object value = message.getField(field);
      if (field.isMapField()) {
        TreeMap<String, Object> map = new TreeMap<>();
        for (Object entry : (List<?>) value) {
          Message e = (Message) entry;
          FieldDescriptor k = e.getDescriptorForType().findFieldByName("key");
          FieldDescriptor v = e.getDescriptorForType().findFieldByName("value");
          map.put(String.valueOf(e.getField(k)), scalar(v, e.getField(v)));
        }
        out.put(field.getName(), map);
      } else if (field.isRepeated()) {
        List<Object> list = new ArrayList<>();
        for (Object item : (List<?>) value) {
          list.add(scalar(field, item));
        }
        out.put(field.getName(), list);
      } else {
        out.put(field.getName(), scalar(field, value));
      }
    }
    return out;
  }

  private static Object scalar(FieldDescriptor field, Object value) {
    if (value instanceof Message m) {
      if ("google.protobuf.Duration".equals(m.getDescriptorForType().getFullName())) {
        long seconds = (Long) m.getField(m.getDescriptorForType().findFieldByName("seconds"));
        int nanos = (Integer) m.getField(m.getDescriptorForType().findFieldByName("nanos"));
        return java.math.BigDecimal.valueOf(seconds)
                .add(java.math.BigDecimal.valueOf(nanos, 9))
                .stripTrailingZeros()
                .toPlainString()
            + "s";
      }
      return toMap(m);
    }
    if (value instanceof EnumValueDescriptor e) {
      return e.getName();
    }
    if (value instanceof ByteString b) {
      return bytes(field, b);
    }
    return value;
  }

  private static String bytes(FieldDescriptor field, ByteString b) {
    if (field.getName().startsWith("address") && (b.size() == 4 || b.size() == 16)) {
      try {
        return InetAddress.getByAddress(b.toByteArray()).getHostAddress();
      } catch (UnknownHostException e) {
        // Not reachable for 4 or 16 bytes; fall through to base64.
      }
    }
    try {
      String text = StandardCharsets.UTF_8.newDecoder().decode(b.asReadOnlyByteBuffer()).toString();
      if (text.chars().allMatch(c -> c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c != 0x7f))) {
        return text;
      }
    } catch (CharacterCodingException e) {
      // Binary: base64 below.
    }
    return "base64:" + Base64.getEncoder().encodeToString(b.toByteArray());
  }
}
