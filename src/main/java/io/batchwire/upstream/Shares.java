package io.batchwire.upstream;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * How one upstream's cluster-wide limit is shared, computed alike on every replica from what each wants: tenants get
 * the limit in proportion to their weights, none more than it wants (what one does not want goes to the others), and
 * each replica gets the part of every tenant's share that matches its part of that tenant's work. Whole calls: the
 * fractions left over go one by one to the replicas with the largest remainders (ties by id).
 */
final class Shares {

    private Shares() {
    }

    /** What one replica wants for one tenant. */
    record Want(UUID tenant, double weight, int wanted) {
    }

    /** Each replica's whole share of {@code limit}, for the wants of every replica (by replica id). */
    static Map<UUID, Integer> of(int limit, Map<UUID, List<Want>> byReplica) {
        Map<UUID, Double> weight = new HashMap<>();
        Map<UUID, Double> demand = new HashMap<>();
        byReplica.values().forEach(wants -> wants.forEach(w -> {
            if (w.wanted() > 0) {
                weight.merge(w.tenant(), w.weight(), Math::max);
                demand.merge(w.tenant(), (double) w.wanted(), Double::sum);
            }
        }));
        Map<UUID, Double> tenantShare = waterFill(limit, weight, demand);
        Map<UUID, Double> replicaShare = new HashMap<>();
        byReplica.forEach((replica, wants) -> {
            double s = 0;
            for (Want w : wants) {
                Double d = demand.get(w.tenant());
                if (w.wanted() > 0 && d != null && d > 0) {
                    s += tenantShare.getOrDefault(w.tenant(), 0.0) * w.wanted() / d;
                }
            }
            replicaShare.put(replica, s);
        });
        return whole(replicaShare);
    }

    /** Weighted max-min fair shares of {@code limit}: none above its demand, the rest by weight. */
    static Map<UUID, Double> waterFill(double limit, Map<UUID, Double> weight, Map<UUID, Double> demand) {
        Map<UUID, Double> share = new HashMap<>();
        Set<UUID> open = new HashSet<>(demand.keySet());
        double left = limit;
        while (!open.isEmpty() && left > 1e-9) {
            double totalWeight = open.stream().mapToDouble(weight::get).sum();
            double perWeight = left / totalWeight;
            List<UUID> saturated = new ArrayList<>();
            for (UUID t : open) {
                double need = demand.get(t) - share.getOrDefault(t, 0.0);
                if (need <= perWeight * weight.get(t)) {
                    saturated.add(t);
                }
            }
            if (saturated.isEmpty()) {
                for (UUID t : open) {
                    share.merge(t, perWeight * weight.get(t), Double::sum);
                }
                break;
            }
            for (UUID t : saturated) {
                double need = demand.get(t) - share.getOrDefault(t, 0.0);
                share.merge(t, need, Double::sum);
                left -= need;
                open.remove(t);
            }
        }
        return share;
    }

    private static Map<UUID, Integer> whole(Map<UUID, Double> fractional) {
        Map<UUID, Integer> out = new HashMap<>();
        double total = 0;
        int floors = 0;
        for (var e : fractional.entrySet()) {
            int f = (int) Math.floor(e.getValue() + 1e-9);
            out.put(e.getKey(), f);
            floors += f;
            total += e.getValue();
        }
        int left = (int) Math.round(total) - floors;
        List<UUID> byRemainder = new ArrayList<>(fractional.keySet());
        byRemainder.sort(Comparator.<UUID>comparingDouble(r -> -(fractional.get(r) - Math.floor(fractional.get(r) + 1e-9)))
                .thenComparing(Comparator.naturalOrder()));
        for (int i = 0; i < left && i < byRemainder.size(); i++) {
            out.merge(byRemainder.get(i), 1, Integer::sum);
        }
        return out;
    }
}
