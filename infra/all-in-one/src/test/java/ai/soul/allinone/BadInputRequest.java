package ai.soul.allinone;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One generated request that the API must refuse.
 *
 * @param endpoint the endpoint it aims at, as {@code METHOD /template}
 * @param defect   the fault that is certain to get it refused (the generator never lets noise repair it)
 * @param variant  which form of that fault, e.g. {@code title: over 200 characters}
 * @param noise    what was added on top (extra fields, odd unicode, ...), for the record
 * @param target   path and query, already percent-encoded exactly as sent
 * @param headers  name/value pairs, in order
 * @param body     the bytes sent, or null for none
 * @param chunked  send the body without Content-Length
 * @param raw      send over a plain socket: the target or a header is something java.net.http refuses to send
 */
record BadInputRequest(String endpoint, String defect, String variant, List<String> noise, String method, String target,
                       List<String[]> headers, byte[] body, boolean chunked, boolean raw) {

    /** Short enough for a report line: long targets and bodies are cut. */
    String describe() {
        StringBuilder s = new StringBuilder();
        s.append(method).append(' ').append(cut(target, 300));
        for (String[] h : headers) {
            s.append("\n      ").append(h[0]).append(": ").append(cut(h[1], 120));
        }
        if (body != null) {
            s.append("\n      body (").append(body.length).append(" bytes").append(chunked ? ", chunked" : "").append("): ")
                    .append(cut(new String(body, StandardCharsets.UTF_8), 400));
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return endpoint + " / " + defect + " / " + variant + " -> " + describe();
    }

    static String cut(String s, int max) {
        String oneLine = s.replace("\r", "\\r").replace("\n", "\\n");
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max) + "…(" + s.length() + " chars)";
    }
}
