package ai.soul.export;

import ai.soul.domain.export.ExportRenderer;
import ai.soul.projections.attachment.Attachments;
import ai.soul.projections.conversation.Conversations;
import com.mongodb.client.gridfs.GridFSBucket;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/** The renderer port's adapter, on the read-model database and its GridFS buckets (beans of the read models). */
@AutoConfiguration
public class ExportAutoConfiguration {

    @Bean
    public ExportRenderer exportRenderer(Conversations conversations, Attachments attachments, @Qualifier("attachmentBucket") GridFSBucket attachmentBucket,
                                         @Qualifier("exportBucket") GridFSBucket exportBucket,
                                         @Value("${soul.exports.pdf-font:}") String pdfFont) {
        return new GridFsExports(conversations, attachments, attachmentBucket, exportBucket, pdfFont);
    }
}
