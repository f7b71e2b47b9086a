package ai.soul.command;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The write side on its own (production topology): commands in, events to the store and on to Kafka. */
@SpringBootApplication(scanBasePackages = {"ai.soul.command", "ai.soul.domain"})
public class CommandApiApplication {

    public static void main(String[] args) {
        SpringApplication.run(CommandApiApplication.class, args);
    }
}
