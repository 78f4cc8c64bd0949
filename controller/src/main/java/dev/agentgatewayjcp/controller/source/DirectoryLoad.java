package dev.agentgatewayjcp.controller.source;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/**
 * DirectoryLoad is one complete read of a configuration directory: the objects it holds and the
 * documents that could not be read.
 *
 * @param objects every object read, namespaced objects without a namespace put in {@code default}
 * @param problems documents that were skipped, with file and index
 */
public record DirectoryLoad(List<HasMetadata> objects, List<InputProblem> problems) {

  public DirectoryLoad {
    objects = List.copyOf(objects);
    problems = List.copyOf(problems);
  }
}
