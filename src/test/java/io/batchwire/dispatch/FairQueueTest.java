package io.batchwire.dispatch;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class FairQueueTest {

    private static Message<JobChunk> chunk(String type, UUID tenant, int from) {
        return Message.of(new JobChunk(UUID.randomUUID(), tenant, type, from, from + 10));
    }

    @Test
    void tenantsTakeTurnsAndSlotsBoundEachUpstream() {
        FairQueue<Message<JobChunk>> q = new FairQueue<>(type -> 2, Message::getPayload);
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        for (int i = 0; i < 5; i++) {
            q.offer(chunk("company", a, i * 10));
        }
        q.offer(chunk("company", b, 0));
        q.offer(chunk("email", a, 0));

        List<Message<JobChunk>> started = new ArrayList<>();
        Message<JobChunk> m;
        while ((m = q.poll()) != null) {
            started.add(m);
        }
        // two company slots plus one for a, whose chunks still wait (a, then b: b does not wait behind a's backlog),
        // and one email
        assertThat(started).extracting(x -> x.getPayload().type() + ":" + (x.getPayload().tenantId().equals(a) ? "a" : "b"))
                .containsExactly("company:a", "company:b", "company:a", "email:a");
        assertThat(q.running()).isEqualTo(4);
        assertThat(q.waiting()).isEqualTo(3);

        q.done(started.get(1));
        assertThat(q.poll().getPayload().tenantId()).isEqualTo(a);
        assertThat(q.poll()).isNull();
        assertThat(q.held()).isEqualTo(7 - 1);
    }

    @Test
    void tenantsStartChunksByWeight() {
        UUID heavy = UUID.randomUUID();
        UUID light = UUID.randomUUID();
        FairQueue<Message<JobChunk>> q = new FairQueue<>(type -> 100, Message::getPayload, t -> t.equals(heavy) ? 3 : 1);
        for (int i = 0; i < 40; i++) {
            q.offer(chunk("company", heavy, i * 10));
            q.offer(chunk("company", light, i * 10));
        }
        List<UUID> first = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            first.add(q.poll().getPayload().tenantId());
        }
        assertThat(first.stream().filter(heavy::equals).count()).isEqualTo(30);
    }

    @Test
    void chunksOfRevokedPartitionsLeaveTheQueueAndTheTurnsStayFair() {
        FairQueue<Message<JobChunk>> q = new FairQueue<>(type -> 1, Message::getPayload);
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        Message<JobChunk> a0 = chunk("company", a, 0);
        Message<JobChunk> a1 = chunk("company", a, 10);
        Message<JobChunk> b0 = chunk("company", b, 0);
        q.offer(a0);
        q.offer(a1);
        q.offer(b0);

        List<Message<JobChunk>> removed = q.removeWaiting(m -> m.getPayload().tenantId().equals(a));
        assertThat(removed).containsExactly(a0, a1);
        assertThat(q.waiting()).isEqualTo(1);
        assertThat(q.poll()).isSameAs(b0);
        assertThat(q.poll()).isNull();
        q.done(b0);
        assertThat(q.poll()).as("tenant a has no turn left").isNull();
        assertThat(q.held()).isZero();
    }
}
