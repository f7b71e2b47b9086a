package ai.soul.projections;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.gridfs.GridFSBucket;
import com.mongodb.client.gridfs.GridFSBuckets;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;

/**
 * The read-model database and every reader of it, for both apps: a reader is a {@code @Component}
 * of its capability's package here, found by the scan, so a new read model adds no line to this class.
 */
@AutoConfiguration
@ComponentScan
public class ReadModelsAutoConfiguration {

    /** The GridFS bucket of export files, in the read-model database. */
    public static final String EXPORT_BUCKET = "exports";

    @Bean
    public MongoDatabase readModels(MongoClient client, @Value("${soul.mongodb.database}") String database) {
        return client.getDatabase(database);
    }

    /** Attachment bytes: the write side stores them, the read side streams them. */
    @Bean
    public GridFSBucket attachmentBucket(MongoDatabase readModels) {
        return GridFSBuckets.create(readModels, "attachments");
    }

    /** Export files: the command side's renderer writes them, the read side streams them. */
    @Bean
    public GridFSBucket exportBucket(MongoDatabase readModels) {
        return GridFSBuckets.create(readModels, EXPORT_BUCKET);
    }
}
