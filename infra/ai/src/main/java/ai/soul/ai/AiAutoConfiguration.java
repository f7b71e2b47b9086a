package ai.soul.ai;

import ai.soul.ai.local.LocalEngine;
import ai.soul.ai.openai.OpenAiEngine;
import ai.soul.domain.ai.AiPort;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.PropertySource;

/** One {@link AiPort}, chosen by {@code soul.ai.provider}, and the model catalogue. */
@AutoConfiguration
@PropertySource("classpath:soul-ai.properties")
@EnableConfigurationProperties(AiProperties.class)
public class AiAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(AiPort.class)
    public AiPort aiPort(AiProperties properties) {
        return switch (properties.provider()) {
            case "local" -> new LocalEngine(properties.local().maxSentences());
            case "openai" -> new OpenAiEngine(properties.openai());
            default -> throw new IllegalStateException("soul.ai.provider must be local or openai, not " + properties.provider());
        };
    }

    @Bean
    public ModelCatalogue modelCatalogue(AiPort aiPort, AiProperties properties) {
        return new ModelCatalogue(aiPort, properties.images());
    }
}
