package ai.soul.query;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The read side on its own (production topology): projectors fed from Kafka, reads from MongoDB. */
@SpringBootApplication(scanBasePackages = "ai.soul.query")
public class QueryApiApplication {

    public static void main(String[] args) {
        SpringApplication.run(QueryApiApplication.class, args);
    }
}
