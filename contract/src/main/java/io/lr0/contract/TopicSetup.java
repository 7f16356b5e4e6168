package io.lr0.contract;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the topics the pipeline needs (existing ones are left as they are). */
public final class TopicSetup {
    private TopicSetup() {}

    /** A topic spec; an empty replication factor takes the broker's default. */
    public static NewTopic topic(String name, int partitions) {
        return topic(name, TopicLayout.brokerDefaults(partitions));
    }

    /** A topic spec laid out as {@code layout} says: partitions, replicas and min.insync.replicas. */
    public static NewTopic topic(String name, TopicLayout layout) {
        NewTopic topic = new NewTopic(name, Optional.of(layout.partitions()), layout.replicas());
        return layout.minInsyncReplicas() > 0
                ? topic.configs(
                        Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(layout.minInsyncReplicas())))
                : topic;
    }

    /** A compacted topic: the latest value per key is kept (dataset label spaces, schemas). */
    public static NewTopic compacted(String name, int partitions) {
        return compacted(name, TopicLayout.brokerDefaults(partitions));
    }

    /** A compacted topic laid out as {@code layout} says. */
    public static NewTopic compacted(String name, TopicLayout layout) {
        return withConfig(topic(name, layout), TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    }

    /** {@code topic} with one more config entry. */
    public static NewTopic withConfig(NewTopic topic, String key, String value) {
        Map<String, String> configs = new HashMap<>(topic.configs() == null ? Map.of() : topic.configs());
        configs.put(key, value);
        return topic.configs(configs);
    }

    /**
     * Waits until every partition of the new topics has a leader, so the first writes (transactional ones
     * included) do not race the leader election and retry out of order.
     */
    private static void awaitLeaders(Admin admin, List<String> topics) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            boolean ready;
            try {
                ready = admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values().stream()
                        .allMatch(topic -> topic.partitions().stream().allMatch(p -> p.leader() != null));
            } catch (ExecutionException e) {
                ready = false;
            }
            if (ready) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Topics " + topics + " have partitions without a leader after 30 s");
            }
            Thread.sleep(50);
        }
    }

    /** The largest record each of {@code topics} accepts: its {@code max.message.bytes}, as the broker applies it. */
    public static Map<String, Long> maxMessageBytes(Map<String, Object> clientConfig, List<String> topics) {
        try (Admin admin = Admin.create(clientConfig)) {
            List<ConfigResource> resources = topics.stream()
                    .distinct()
                    .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic))
                    .toList();
            Map<String, Long> limits = new TreeMap<>();
            admin.describeConfigs(resources)
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .forEach((resource, config) -> limits.put(
                            resource.name(),
                            Long.parseLong(config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG)
                                    .value())));
            return limits;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the configuration of " + topics, e);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Cannot read the configuration of topics " + topics + " on " + clientConfig.get("bootstrap.servers")
                            + ": " + e.getMessage(),
                    e);
        }
    }

    /** Sets {@code max.message.bytes} of {@code topic} to {@code bytes}. */
    public static void setMaxMessageBytes(Map<String, Object> clientConfig, String topic, long bytes) {
        try (Admin admin = Admin.create(clientConfig)) {
            admin.incrementalAlterConfigs(Map.of(
                            new ConfigResource(ConfigResource.Type.TOPIC, topic),
                            List.of(new AlterConfigOp(
                                    new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(bytes)),
                                    AlterConfigOp.OpType.SET))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while configuring " + topic, e);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Cannot set max.message.bytes=" + bytes + " on topic " + topic + ": " + e.getMessage(), e);
        }
    }

    /** Creates each topic that does not exist yet; waits for the creation to complete. */
    public static void ensure(Map<String, Object> clientConfig, List<NewTopic> topics) {
        try (Admin admin = Admin.create(clientConfig)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (NewTopic topic : topics) {
                if (!existing.contains(topic.name())) {
                    missing.add(topic);
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // Another instance may have created it in between; anything else is fatal.
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            awaitLeaders(admin, missing.stream().map(NewTopic::name).toList());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Cannot create topics "
                            + topics.stream().map(NewTopic::name).toList() + " on "
                            + clientConfig.get("bootstrap.servers") + ": " + e.getMessage(),
                    e);
        }
    }
}
