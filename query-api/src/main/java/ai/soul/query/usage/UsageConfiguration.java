package ai.soul.query.usage;

import ai.soul.projections.usage.RequestCounters;
import com.mongodb.client.MongoDatabase;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class UsageConfiguration {

    @Bean
    RequestCounters requestCounters(MongoDatabase readModels) {
        return new RequestCounters(readModels);
    }
}
