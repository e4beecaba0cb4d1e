package io.batchwire.dispatch;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;

/**
 * Tells the dispatcher when the jobs topic's partitions leave this replica, before they are assigned elsewhere: their
 * waiting chunks are dropped at once and their running ones start nothing more ({@link JobDispatcher#revoked}).
 * Configured on the channel as {@code consumer-rebalance-listener.name}.
 */
@ApplicationScoped
@Identifier(DispatchRebalance.NAME)
public class DispatchRebalance implements KafkaConsumerRebalanceListener {

    public static final String NAME = "batchwire-dispatch-rebalance";

    private final JobDispatcher dispatcher;

    public DispatchRebalance(JobDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        dispatcher.revoked(partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        dispatcher.revoked(partitions);
    }
}
