package dev.agentgatewayjcp.translator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ConditionList builds the ordered list of conditions of one status object, one entry per type.
 *
 * <p>Setting a type again replaces it in place, so callers can start from the success state and
 * overwrite single conditions as problems are found, keeping a stable order. Timestamps come from
 * the injected clock, at second precision as the API server stores them.
 */
public final class ConditionList {

  private final Clock clock;
  private final Long generation;
  private final Map<String, Condition> byType = new LinkedHashMap<>();

  public ConditionList(Clock clock, Long generation) {
    this.clock = clock;
    this.generation = generation;
  }

  /** Sets (or replaces) the condition of a type. */
  public ConditionList set(String type, boolean status, String reason, String message) {
    String time =
        DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
    byType.put(
        type,
        new ConditionBuilder()
            .withType(type)
            .withStatus(status ? "True" : "False")
            .withReason(reason)
            .withMessage(message)
            .withObservedGeneration(generation)
            .withLastTransitionTime(time)
            .build());
    return this;
  }

  /** The current condition of a type, if set. */
  public Optional<Condition> get(String type) {
    return Optional.ofNullable(byType.get(type));
  }

  /** Whether the condition of a type is set and True. */
  public boolean isTrue(String type) {
    return get(type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  /** The conditions in the order their types were first set. */
  public List<Condition> toList() {
    return new ArrayList<>(byType.values());
  }
}
