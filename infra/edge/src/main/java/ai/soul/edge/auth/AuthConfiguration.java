package ai.soul.edge.auth;

import ai.soul.edge.EdgeFilters;
import ai.soul.edge.consistency.ReadYourWrites;
import ai.soul.edge.events.CloudEventCodec;
import ai.soul.edge.web.Routes;
import ai.soul.schemas.account.KeyDirectory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** Who a request is: API keys and access tokens, and the refusal of a route's request that names nobody. */
@Configuration(proxyBeanMethods = false)
public class AuthConfiguration {

    @Bean
    public AccessTokens accessTokens(@Value("${soul.auth.token-secret:}") String secret, @Value("${soul.auth.token-issuer}") String issuer,
                                     @Value("${soul.auth.token-ttl}") Duration ttl) {
        return new AccessTokens(secret, issuer, ttl, Clock.systemUTC());
    }

    @Bean
    public Callers callers(KeyDirectory accounts, ReadYourWrites readYourWrites, AccessTokens accessTokens) {
        return new Callers(accounts, readYourWrites, accessTokens);
    }

    /** Other instances' revocations and tier changes, from the end of the topic, in a group of this instance alone. */
    @Bean
    public ConcurrentMessageListenerContainer<String, byte[]> accountChangesListener(
            KafkaProperties kafka, Callers callers, CloudEventCodec codec, @Value("${soul.kafka.topic}") String topic) {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "account-changes-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        ContainerProperties properties = new ContainerProperties(topic);
        properties.setMessageListener(new AccountChangesListener(callers, codec));
        properties.setAckMode(ContainerProperties.AckMode.MANUAL); // never acknowledged: nothing to resume from
        properties.setPollTimeout(200);
        return new ConcurrentMessageListenerContainer<>(new DefaultKafkaConsumerFactory<>(config), properties);
    }

    @Bean
    public FilterRegistrationBean<ApiKeyFilter> apiKeyFilter(Callers callers) {
        return EdgeFilters.API_KEY.register(new ApiKeyFilter(callers));
    }

    @Bean
    public FilterRegistrationBean<AuthenticationRequiredFilter> authenticationRequiredFilter(Routes routes) {
        return EdgeFilters.AUTHENTICATION_REQUIRED.register(new AuthenticationRequiredFilter(routes));
    }
}
