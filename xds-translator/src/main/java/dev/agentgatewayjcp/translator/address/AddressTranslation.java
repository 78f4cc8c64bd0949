package dev.agentgatewayjcp.translator.address;

import dev.agentgatewayjcp.translator.output.XdsResource;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * AddressTranslation holds every Address resource of the cluster and which workloads back each
 * Service, so that each Gateway can be sent only what its routes use.
 *
 * @param resources every Address by xDS name ({@code <ns>/<hostname>} or workload uid)
 * @param workloadsByService workload uids per Service xDS name
 */
public record AddressTranslation(
    SortedMap<String, XdsResource> resources, Map<String, SortedSet<String>> workloadsByService) {

  public AddressTranslation {
    resources = java.util.Collections.unmodifiableSortedMap(resources);
    workloadsByService = Map.copyOf(workloadsByService);
  }

  /**
   * The Address names needed for a set of Service names: the Services that exist, and their
   * workloads, sorted.
   */
  public SortedSet<String> namesFor(Collection<String> services) {
    SortedSet<String> names = new TreeSet<>();
    for (String service : services) {
      if (resources.containsKey(service)) {
        names.add(service);
        names.addAll(workloadsByService.getOrDefault(service, new TreeSet<>()));
      }
    }
    return names;
  }

  /** The Address resources for a set of names, in name order; unknown names are skipped. */
  public List<XdsResource> resourcesFor(Collection<String> names) {
    return names.stream().sorted().map(resources::get).filter(r -> r != null).toList();
  }
}
