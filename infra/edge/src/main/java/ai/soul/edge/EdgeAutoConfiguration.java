package ai.soul.edge;

import ai.soul.edge.attachment.AttachmentLimits;
import ai.soul.edge.auth.AccessTokens;
import ai.soul.edge.auth.AccountChangesListener;
import ai.soul.edge.auth.ApiKeyFilter;
import ai.soul.edge.auth.Callers;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import ai.soul.edge.auth.AuthenticationRequiredFilter;
import ai.soul.edge.tier.TierLimits;
import ai.soul.edge.auth.CallerResolver;
import ai.soul.edge.consistency.ReadYourWrites;
import ai.soul.edge.consistency.ReadYourWritesInterceptor;
import ai.soul.edge.events.CloudEventCodec;
import ai.soul.edge.events.EventJson;
import ai.soul.edge.idempotency.IdempotencyFilter;
import ai.soul.edge.health.HealthController;
import ai.soul.edge.health.KafkaHealthIndicator;
import ai.soul.edge.health.MongoPingHealthIndicator;
import ai.soul.edge.ratelimit.MongoProxyManager;
import ai.soul.edge.ratelimit.ConcurrencyLimitFilter;
import ai.soul.edge.ratelimit.RateLimitFilter;
import ai.soul.edge.ratelimit.RateLimitWindows;
import ai.soul.edge.ratelimit.RateLimiter;
import ai.soul.edge.usage.UsageMeteringFilter;
import ai.soul.edge.usage.UsagePublisher;
import ai.soul.edge.web.AcceptFilter;
import ai.soul.edge.web.ApiExceptionHandler;
import ai.soul.edge.web.BodyLimitFilter;
import ai.soul.edge.web.ErrorPage;
import ai.soul.edge.web.ErrorWriter;
import ai.soul.edge.web.JsonErrorReportValve;
import ai.soul.edge.web.PublicOriginFilter;
import ai.soul.schemas.account.KeyDirectory;
import com.mongodb.client.MongoDatabase;
import jakarta.servlet.MultipartConfigElement;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.PropertySource;
import org.springframework.core.Ordered;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.Map;

/** What both apps share: the web edge, the event wire format, the read-model database, the topic. */
@AutoConfiguration(beforeName = {"org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration",
        "org.springframework.boot.servlet.autoconfigure.MultipartAutoConfiguration"})
@EnableConfigurationProperties({AttachmentLimits.class, TierLimits.class, RateLimitWindows.class})
@PropertySource("classpath:soul-edge.properties")
@Import({ApiExceptionHandler.class, ErrorPage.class, HealthController.class})
public class EdgeAutoConfiguration {

    @Bean
    public JsonMapperBuilderCustomizer strictScalars() {
        // "title": 5 is a wrong type, not the string "5"
        return builder -> builder.withCoercionConfig(LogicalType.Textual, config -> config
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
    }

    @Bean
    public ErrorWriter errorWriter(JsonMapper json) {
        return new ErrorWriter(json);
    }

    /**
     * Multipart parsing (only the upload endpoint asks for parts) streams each part to a temporary
     * file and stops at the per-file limit, so a large upload is never held in memory. Replaces
     * Boot's spring.servlet.multipart sizes, which would be a second place to set the same limit.
     */
    @Bean
    public MultipartConfigElement multipartConfigElement(AttachmentLimits attachments) {
        return new MultipartConfigElement(null, attachments.maxFileSize().toBytes(), attachments.maxRequestBytes(), 0);
    }

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

    /** Outermost, so every answer is metered, also those the other filters give (406, 413, 401, 429). */
    /** First of all: everything after it, links included, sees the configured origin, not the client's Host. */
    @Bean
    public FilterRegistrationBean<PublicOriginFilter> publicOriginFilter(@Value("${soul.public-url:}") String publicUrl) {
        var registration = new FilterRegistrationBean<>(new PublicOriginFilter(publicUrl));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    @Bean
    public FilterRegistrationBean<UsageMeteringFilter> usageMeteringFilter(UsagePublisher usagePublisher,
                                                                          @Qualifier("requestMappingHandlerMapping") ObjectProvider<RequestMappingHandlerMapping> mappings) {
        var registration = new FilterRegistrationBean<>(new UsageMeteringFilter(usagePublisher, mappings));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }

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

    /** Before everything else: a request that cannot take a JSON answer changes nothing. */
    @Bean
    public FilterRegistrationBean<AcceptFilter> acceptFilter(ErrorWriter errors) {
        var registration = new FilterRegistrationBean<>(new AcceptFilter(errors));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 5);
        return registration;
    }

    /**
     * Tomcat's own error reports (requests it refuses before any filter runs) in the envelope. Spring
     * Boot puts a plain {@link ErrorReportValve} on the host (with server.error.include-stacktrace=never);
     * once every customizer has run, just before the host starts, ours takes its place.
     */
    @Bean
    public WebServerFactoryCustomizer<TomcatServletWebServerFactory> jsonErrorReports() {
        return factory -> factory.addContextCustomizers(context -> {
            StandardHost host = (StandardHost) context.getParent();
            host.setErrorReportValveClass(JsonErrorReportValve.class.getName());
            host.addLifecycleListener(event -> {
                if (Lifecycle.BEFORE_START_EVENT.equals(event.getType())) {
                    Pipeline pipeline = host.getPipeline();
                    for (Valve valve : pipeline.getValves()) {
                        if (valve instanceof ErrorReportValve && !(valve instanceof JsonErrorReportValve)) {
                            pipeline.removeValve(valve);
                        }
                    }
                    // the host adds the valve of its errorReportValveClass itself when there is none
                }
            });
        });
    }

    @Bean
    public FilterRegistrationBean<BodyLimitFilter> bodyLimitFilter(@Value("${soul.max-body-bytes}") long limit, ErrorWriter errors,
                                                                   AttachmentLimits attachments) {
        var registration = new FilterRegistrationBean<>(new BodyLimitFilter(errors,
                request -> AttachmentLimits.isUpload(request.getMethod(), request.getRequestURI()) ? attachments.maxRequestBytes() : limit));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

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
        var registration = new FilterRegistrationBean<>(new ApiKeyFilter(callers));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return registration;
    }

    /**
     * Buckets in the read-model database, shared by every instance. A call that MongoDB does not answer
     * within the timeout falls back to this instance's own buckets (see {@link RateLimiter}).
     */
    @Bean
    public RateLimiter rateLimiter(MongoDatabase readModels, RateLimitWindows windows,
                                   @Value("${soul.rate-limits.store-timeout}") Duration timeout) {
        var buckets = readModels.getCollection("rate_limits").withTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        // a bucket is removed (TTL index) once it would be full again: a missing bucket is created full
        var config = ClientSideConfig.getDefault().withExpirationAfterWriteStrategy(
                ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)));
        return new RateLimiter(new MongoProxyManager(buckets, config), windows);
    }

    /** After the caller is resolved, before a caller is required: refused credentials are limited per address. */
    @Bean
    public FilterRegistrationBean<RateLimitFilter> rateLimitFilter(RateLimiter rateLimiter, TierLimits tiers, ErrorWriter errors) {
        var registration = new FilterRegistrationBean<>(new RateLimitFilter(rateLimiter, tiers, errors));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 30);
        return registration;
    }

    /** After the rate limit (a refused request takes no slot), before the handler. */
    @Bean
    public FilterRegistrationBean<ConcurrencyLimitFilter> concurrencyLimitFilter(
            @Value("${soul.rate-limits.concurrent-requests}") int limit, ErrorWriter errors) {
        var registration = new FilterRegistrationBean<>(new ConcurrencyLimitFilter(limit, errors));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 35);
        return registration;
    }

    @Bean
    public FilterRegistrationBean<AuthenticationRequiredFilter> authenticationRequiredFilter(ErrorWriter errors) {
        var registration = new FilterRegistrationBean<>(new AuthenticationRequiredFilter(errors));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 40);
        return registration;
    }

    /** Last before the handler: only a request that would run keeps its answer for a repeat. */
    @Bean
    public FilterRegistrationBean<IdempotencyFilter> idempotencyFilter(MongoDatabase readModels, ErrorWriter errors,
                                                                       @Value("${soul.idempotency.ttl:24h}") Duration ttl,
                                                                       @Value("${soul.idempotency.lease:2m}") Duration lease,
                                                                       @Value("${soul.idempotency.wait:30s}") Duration wait) {
        var registration = new FilterRegistrationBean<>(new IdempotencyFilter(readModels.getCollection("idempotency_keys"), errors,
                ttl, lease, wait, Clock.systemUTC()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 45);
        return registration;
    }

    @Bean
    public WebMvcConfigurer soulWebMvc(ReadYourWrites readYourWrites) {
        return new WebMvcConfigurer() {
            @Override
            public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
                resolvers.add(new CallerResolver());
            }

            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(new ReadYourWritesInterceptor(readYourWrites));
            }
        };
    }
}
