package ai.soul.edge.usage;

import ai.soul.edge.EdgeFilters;
import ai.soul.edge.events.EventJson;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import java.time.Duration;
import java.util.Map;

/** Every request metered onto the usage topic, for the account's usage figures. */
@Configuration(proxyBeanMethods = false)
public class UsageConfiguration {

    /** The metered requests: counted into daily figures soon after, so kept only for a while (soul.usage.retention). */
    @Bean
    public NewTopic usageTopic(@Value("${soul.usage.topic}") String topic, @Value("${soul.usage.partitions}") int partitions,
                               @Value("${soul.usage.retention}") Duration retention) {
        return TopicBuilder.name(topic).partitions(partitions).replicas(1).config("retention.ms", Long.toString(retention.toMillis())).build();
    }

    @Bean(destroyMethod = "close")
    public UsagePublisher usagePublisher(KafkaProperties kafka, @Value("${soul.usage.topic}") String topic,
                                         @Value("${soul.usage.queue-capacity}") int queueCapacity) {
        Map<String, Object> config = kafka.buildProducerProperties();
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        // many small records: let the producer gather them
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        var producers = new DefaultKafkaProducerFactory<String, byte[]>(config);
        producers.setPhysicalCloseTimeout(5); // seconds: a broker that is away does not hold the shutdown
        return new UsagePublisher(new KafkaTemplate<>(producers), topic, EventJson.mapper(), queueCapacity);
    }

    @Bean
    public FilterRegistrationBean<UsageMeteringFilter> usageMeteringFilter(UsagePublisher usagePublisher,
                                                                          @Qualifier("requestMappingHandlerMapping") ObjectProvider<RequestMappingHandlerMapping> mappings) {
        return EdgeFilters.USAGE_METERING.register(new UsageMeteringFilter(usagePublisher, mappings));
    }
}
