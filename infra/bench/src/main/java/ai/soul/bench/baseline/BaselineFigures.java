package ai.soul.bench.baseline;

/**
 * What the bare infrastructure does on this machine, one thread, no framework (see {@link Baselines}):
 * event-store appends (one per transaction), MongoDB single upserts, MongoDB bulk-inserted documents,
 * Kafka records produced, and writes through the raw pipeline (append + produce + project), all per second.
 */
public record BaselineFigures(double eventAppendsPerS, double mongoUpsertsPerS, double mongoBulkDocsPerS,
                              double kafkaProducePerS, double pipelinePerS) {
}
