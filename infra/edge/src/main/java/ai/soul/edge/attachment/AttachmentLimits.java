package ai.soul.edge.attachment;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The limits on attachments: {@code soul.attachments.max-file-size} per file and
 * {@code soul.attachments.account-quota} for all the files of one account together. Read by both apps
 * (uploads and exports count against the quota, the account shows it), and by the servlet's multipart
 * parsing, which the edge sets up ({@code WebConfiguration}).
 */
@ConfigurationProperties("soul.attachments")
public record AttachmentLimits(@DefaultValue("10MB") DataSize maxFileSize, @DefaultValue("100MB") DataSize accountQuota) {

    /** Room for the multipart framing around the file: boundaries, part headers, the optional filename field. */
    public static final long FRAMING_BYTES = 64 * 1024;

    /** The largest upload request taken: one file at the limit and its framing. */
    public long maxRequestBytes() {
        return maxFileSize.toBytes() + FRAMING_BYTES;
    }
}
