package ai.soul.query.usage;

import ai.soul.projections.usage.RequestCounters;
import ai.soul.projections.usage.UsageProjector;
import com.mongodb.client.MongoDatabase;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class UsageConfiguration {

    /** applied by its own runner (ProjectionConfiguration), beside the read models */
    @Bean
    UsageProjector usageProjector(MongoDatabase readModels) {
        return new UsageProjector(readModels);
    }

    @Bean
    RequestCounters requestCounters(MongoDatabase readModels) {
        return new RequestCounters(readModels);
    }
}
