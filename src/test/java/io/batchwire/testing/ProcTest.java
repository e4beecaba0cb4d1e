package io.batchwire.testing;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark's split of a JVM's CPU by thread: HotSpot's thread names, and this JVM's own threads found by them. */
class ProcTest {

    @Test
    void threadsAreToldApartByTheirNames() {
        assertThat(Proc.JvmWork.of("C2 CompilerThre")).isEqualTo(Proc.JvmWork.JIT);
        assertThat(Proc.JvmWork.of("C1 CompilerThre")).isEqualTo(Proc.JvmWork.JIT);
        assertThat(Proc.JvmWork.of("ZWorkerYoung#0")).isEqualTo(Proc.JvmWork.GC);
        assertThat(Proc.JvmWork.of("ZDirector")).isEqualTo(Proc.JvmWork.GC);
        assertThat(Proc.JvmWork.of("GC Thread#1")).isEqualTo(Proc.JvmWork.GC);
        assertThat(Proc.JvmWork.of("G1 Conc#0")).isEqualTo(Proc.JvmWork.GC);
        assertThat(Proc.JvmWork.of("vert.x-eventloo")).isEqualTo(Proc.JvmWork.PROGRAM);
        assertThat(Proc.JvmWork.of("kafka-producer-")).isEqualTo(Proc.JvmWork.PROGRAM);
    }

    @Test
    void thisJvmsCompilerThreadsAreFoundAndTheirTimeIsPartOfTheProcesss() {
        long pid = ProcessHandle.current().pid();
        Map<Long, Map.Entry<Proc.JvmWork, Double>> threads = Proc.jvmThreadsCpuSeconds(pid);
        assertThat(threads.values()).extracting(Map.Entry::getKey).contains(Proc.JvmWork.JIT)
                .doesNotContain(Proc.JvmWork.PROGRAM);
        double jit = threads.values().stream().filter(t -> t.getKey() == Proc.JvmWork.JIT).mapToDouble(Map.Entry::getValue).sum();
        assertThat(jit).isGreaterThanOrEqualTo(0).isLessThanOrEqualTo(Proc.cpuSeconds(pid));
    }
}
