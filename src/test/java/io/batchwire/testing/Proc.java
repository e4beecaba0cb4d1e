package io.batchwire.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Linux {@code /proc} readings: memory of a process and CPU time of processes and of the machine. */
public final class Proc {

    /** USER_HZ: the unit of the CPU times in {@code /proc}; 100 on every Linux this runs on. */
    private static final double TICKS_PER_SECOND = 100;

    private Proc() {
    }

    /** A {@code kB} field of {@code /proc/<pid>/status} (e.g. {@code VmHWM}, {@code VmRSS}) in MiB, or -1. */
    public static double statusMiB(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim()) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone or unreadable
        }
        return -1;
    }

    /** User + system CPU seconds a process has used so far (0 if it is gone). */
    public static double cpuSeconds(long pid) {
        return statCpuSeconds(Path.of("/proc", String.valueOf(pid), "stat"));
    }

    /** User + system CPU seconds of a {@code stat} file of a process or a thread (0 if it is gone). */
    private static double statCpuSeconds(Path stat) {
        try {
            String text = Files.readString(stat);
            // fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15
            String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** What a JVM's thread works for, by its name: the JIT's compilers, the garbage collector, or the program. */
    public enum JvmWork {
        JIT, GC, PROGRAM;

        /** By HotSpot's thread names: {@code C1/C2 CompilerThreadN}; ZGC's {@code Z...}, G1's and Parallel's. */
        static JvmWork of(String name) {
            if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                return JIT;
            }
            if (name.startsWith("ZWorker") || name.startsWith("ZDirector") || name.startsWith("ZDriver")
                    || name.startsWith("ZUncommitter") || name.startsWith("ZStat") || name.startsWith("GC Thread")
                    || name.startsWith("G1 ") || name.startsWith("ParGC")) {
                return GC;
            }
            return PROGRAM;
        }
    }

    /**
     * CPU seconds so far of each thread of a JVM that works for the JIT or the garbage collector, by thread id and
     * kind (the program's threads are the rest of the process's time). A thread that exits takes its time with it.
     */
    public static Map<Long, Map.Entry<JvmWork, Double>> jvmThreadsCpuSeconds(long pid) {
        Map<Long, Map.Entry<JvmWork, Double>> out = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            tasks.forEach(task -> {
                try {
                    JvmWork work = JvmWork.of(Files.readString(task.resolve("comm")).trim());
                    if (work != JvmWork.PROGRAM) {
                        out.put(Long.parseLong(task.getFileName().toString()), Map.entry(work, statCpuSeconds(task.resolve("stat"))));
                    }
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            });
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return out;
    }

    /** A client backend's title: {@code postgres: [cluster: ]user database host(port) activity}. */
    private static final java.util.regex.Pattern BACKEND =
            java.util.regex.Pattern.compile("postgres: (?:\\S+: )?\\S+ (\\S+) (?:\\S+\\(\\d+\\)|\\[local\\]).*");

    /** CPU seconds so far of each process named {@code postgres} (the server and every backend), by pid. */
    public static Map<Long, Double> postgresCpuSeconds() {
        return postgresCpuSeconds(null);
    }

    /**
     * As {@link #postgresCpuSeconds()}, but of the client backends only those connected to {@code database} (the
     * server's own processes, which work for every database, all count): other tests' databases on the same server
     * do not count.
     */
    public static Map<Long, Double> postgresCpuSeconds(String database) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> {
                        try {
                            if (!Files.readString(p.resolve("comm")).trim().equals("postgres")) {
                                return false;
                            }
                            if (database == null) {
                                return true;
                            }
                            var m = BACKEND.matcher(Files.readString(p.resolve("cmdline")).replace('\0', ' ').trim());
                            return !m.matches() || m.group(1).equals(database);
                        } catch (IOException gone) {
                            return false;
                        }
                    })
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .collect(Collectors.toMap(pid -> pid, Proc::cpuSeconds));
        } catch (IOException e) {
            return Map.of();
        }
    }

    /** The machine's CPU time so far, all cores: {busy seconds, total seconds}. */
    public static double[] machineCpuSeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) { // user nice system idle iowait irq softirq steal
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new double[]{(total - idle) / TICKS_PER_SECOND, total / TICKS_PER_SECOND};
        } catch (IOException | RuntimeException e) {
            return new double[]{0, 0};
        }
    }

    /**
     * CPU seconds used between two moments, by part of the system. Postgres counts its processes alive at the end
     * (a backend that exited in between is lost; one that started counts whole); so do the service's JIT and GC
     * threads ({@code serviceJvm}, part of {@code service}).
     */
    public record Cpu(double service, Map<Long, Map.Entry<JvmWork, Double>> serviceJvm, double broker,
                      Map<Long, Double> postgresByPid, double harness, double machineBusy, double machineTotal) {

        /** The processes' CPU so far; Postgres: its own processes and the backends connected to {@code database}. */
        public static Cpu sample(long servicePid, long brokerPid, String database) {
            double[] machine = machineCpuSeconds();
            return new Cpu(cpuSeconds(servicePid), jvmThreadsCpuSeconds(servicePid), cpuSeconds(brokerPid),
                    postgresCpuSeconds(database), cpuSeconds(ProcessHandle.current().pid()), machine[0], machine[1]);
        }

        public Cpu minus(Cpu before) {
            Map<Long, Double> pg = new HashMap<>();
            postgresByPid.forEach((pid, s) -> pg.put(pid, s - before.postgresByPid.getOrDefault(pid, 0.0)));
            Map<Long, Map.Entry<JvmWork, Double>> jvm = new HashMap<>();
            serviceJvm.forEach((tid, t) -> {
                Map.Entry<JvmWork, Double> was = before.serviceJvm.get(tid);
                jvm.put(tid, Map.entry(t.getKey(), t.getValue() - (was == null ? 0 : was.getValue())));
            });
            return new Cpu(service - before.service, jvm, broker - before.broker, pg,
                    harness - before.harness, machineBusy - before.machineBusy, machineTotal - before.machineTotal);
        }

        public double postgres() {
            return postgresByPid.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        /** The service's CPU seconds in its threads of that kind (JIT or GC). */
        public double service(JvmWork work) {
            return serviceJvm.values().stream().filter(t -> t.getKey() == work).mapToDouble(Map.Entry::getValue).sum();
        }

        /** Busy CPU time of everything else on the machine (other builds and tests, the kernel's own work). */
        public double other() {
            return Math.max(0, machineBusy - service - broker - postgres() - harness);
        }

        public double busyPercent() {
            return machineTotal <= 0 ? 0 : 100 * machineBusy / machineTotal;
        }
    }
}
