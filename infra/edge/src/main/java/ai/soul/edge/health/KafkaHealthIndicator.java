package ai.soul.edge.health;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import java.util.concurrent.TimeUnit;

/** Kafka is up when the cluster answers a metadata request within two seconds. */
public class KafkaHealthIndicator extends AbstractHealthIndicator {

    private final Admin admin;

    public KafkaHealthIndicator(Admin admin) {
        this.admin = admin;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        var cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000));
        int brokers = cluster.nodes().get(2, TimeUnit.SECONDS).size();
        builder.up().withDetail("clusterId", cluster.clusterId().get(2, TimeUnit.SECONDS)).withDetail("brokers", brokers);
    }
}
