package dev.agentgatewayjcp.api.inference;

import dev.agentgatewayjcp.api.extension.ModelPart;
import java.util.List;
import java.util.Map;

/** InferencePoolSpec selects the pool's Pods, their ports and protocol, and the endpoint picker. */
public class InferencePoolSpec extends ModelPart {
  public Selector selector;
  public List<Port> targetPorts;
  /** {@code http} (the default) or {@code kubernetes.io/h2c}. */
  public String appProtocol;
  public EndpointPickerRef endpointPickerRef;

  /** Selector is a Service-style label selector. */
  public static class Selector extends ModelPart {
    public Map<String, String> matchLabels;
  }

  /** Port is one port number. */
  public static class Port extends ModelPart {
    public Integer number;
  }

  /** EndpointPickerRef names the endpoint picker (an ext-proc server), by default a Service. */
  public static class EndpointPickerRef extends ModelPart {
    public String group;
    public String kind;
    public String name;
    public Port port;
    /** FailOpen or FailClose (the default). */
    public String failureMode;
  }
}
