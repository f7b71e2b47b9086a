package ai.soul.edge;

import ai.soul.edge.attachment.AttachmentLimits;
import ai.soul.edge.auth.AuthConfiguration;
import ai.soul.edge.consistency.ReadYourWrites;
import ai.soul.edge.events.CloudEventCodec;
import ai.soul.edge.events.EventJson;
import ai.soul.edge.health.HealthConfiguration;
import ai.soul.edge.idempotency.IdempotencyConfiguration;
import ai.soul.edge.ratelimit.RateLimitConfiguration;
import ai.soul.edge.usage.UsageConfiguration;
import ai.soul.edge.web.WebConfiguration;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.PropertySource;
import org.springframework.kafka.config.TopicBuilder;

import java.time.Duration;

/**
 * What both apps share: the web edge (errors, routes, filters in the order of {@link EdgeFilters}),
 * authentication, rate limits, usage metering, idempotency, health, and the event wire format and topic.
 * Each concern has its configuration in its own package; this one holds what is left: events and consistency.
 */
@AutoConfiguration(beforeName = {"org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration",
        "org.springframework.boot.servlet.autoconfigure.MultipartAutoConfiguration"})
@EnableConfigurationProperties(AttachmentLimits.class)
@PropertySource("classpath:soul-edge.properties")
@Import({WebConfiguration.class, AuthConfiguration.class, RateLimitConfiguration.class, UsageConfiguration.class,
        IdempotencyConfiguration.class, HealthConfiguration.class})
public class EdgeAutoConfiguration {

    @Bean
    public ReadYourWrites readYourWrites(@Value("${soul.read-your-writes.timeout}") Duration timeout) {
        return new ReadYourWrites(timeout);
    }

    @Bean
    public CloudEventCodec cloudEventCodec(@Value("${soul.events.source}") String source) {
        return new CloudEventCodec(EventJson.mapper(), source);
    }

    @Bean
    public NewTopic eventsTopic(@Value("${soul.kafka.topic}") String topic, @Value("${soul.kafka.partitions}") int partitions) {
        // the log is the history: it is kept forever
        return TopicBuilder.name(topic).partitions(partitions).replicas(1).config("retention.ms", "-1").build();
    }
}
