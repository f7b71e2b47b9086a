package ai.soul.bench.baseline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class BaselinesTest {

    @TempDir
    Path work;

    @Test
    void measuresEveryFigureAndCleansUp() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BaselineFigures figures = Baselines.run(work, Duration.ofSeconds(1), new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(figures.eventAppendsPerS()).isPositive();
        assertThat(figures.mongoUpsertsPerS()).isPositive();
        assertThat(figures.mongoBulkDocsPerS()).isPositive();
        assertThat(figures.kafkaProducePerS()).isPositive();
        assertThat(figures.pipelinePerS()).isPositive();
        assertThat(out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("baseline "))).hasSize(5);
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left).isEmpty(); // its directories are gone, so its servers are down
        }
    }
}
