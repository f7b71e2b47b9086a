package ai.soul.edge.health;

import com.mongodb.client.MongoDatabase;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.core.KafkaAdmin;

/** {@code /v1/health} and the health of Kafka and MongoDB for the actuator. */
@Configuration(proxyBeanMethods = false)
@Import(HealthController.class)
public class HealthConfiguration {

    @Bean(destroyMethod = "close")
    public Admin kafkaHealthAdmin(KafkaAdmin kafkaAdmin) {
        return Admin.create(kafkaAdmin.getConfigurationProperties());
    }

    /** Boot's own MongoDB check asks for 'hello', which the embedded server does not know; 'ping' both do. */
    @Bean
    public MongoPingHealthIndicator mongoHealthIndicator(MongoDatabase readModels) {
        return new MongoPingHealthIndicator(readModels);
    }

    @Bean
    public KafkaHealthIndicator kafkaHealthIndicator(Admin kafkaHealthAdmin) {
        return new KafkaHealthIndicator(kafkaHealthAdmin);
    }
}
