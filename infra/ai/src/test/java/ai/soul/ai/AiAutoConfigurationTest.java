package ai.soul.ai;

import ai.soul.ai.local.LocalEngine;
import ai.soul.domain.ai.AiPort;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class AiAutoConfigurationTest {

    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AiAutoConfiguration.class));

    @Test
    void theLocalEngineIsTheDefaultAndNoImageModelIsListed() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(AiPort.class);
            assertThat(context.getBean(AiPort.class)).isInstanceOf(LocalEngine.class);
            ModelCatalogue catalogue = context.getBean(ModelCatalogue.class);
            assertThat(catalogue.models("llm")).extracting(ModelCatalogue.Entry::id).containsExactly(LocalEngine.MODEL_ID);
            assertThat(catalogue.models("sd")).isEmpty();
        });
    }

    @Test
    void imageModelsComeFromConfiguration() {
        runner.withPropertyValues("soul.ai.images.models[0].id=sdxl-1", "soul.ai.images.models[0].name=Stable Diffusion XL")
                .run(context -> assertThat(context.getBean(ModelCatalogue.class).models("sd"))
                        .extracting(ModelCatalogue.Entry::id, ModelCatalogue.Entry::name, ModelCatalogue.Entry::type)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("sdxl-1", "Stable Diffusion XL", "sd")));
    }

    @Test
    void theOpenAiProviderServesTheConfiguredModels() {
        runner.withPropertyValues("soul.ai.provider=openai", "soul.ai.openai.base-url=http://127.0.0.1:11434/v1",
                        "soul.ai.openai.default-model=llama3.1", "soul.ai.openai.models[0].id=llama3.1",
                        "soul.ai.openai.models[0].name=Llama 3.1 8B on Ollama", "soul.ai.openai.models[0].max-context=131072")
                .run(context -> {
                    assertThat(context).hasSingleBean(AiPort.class);
                    assertThat(context.getBean(AiPort.class)).isInstanceOf(ai.soul.ai.openai.OpenAiEngine.class);
                    assertThat(context.getBean(ModelCatalogue.class).models("llm"))
                            .containsExactly(new ModelCatalogue.Entry("llama3.1", "Llama 3.1 8B on Ollama", "llm", "openai", 131072, 0));
                });
    }

    @Test
    void anUnknownProviderStopsTheStart() {
        runner.withPropertyValues("soul.ai.provider=magic").run(context -> assertThat(context).hasFailed());
    }
}
