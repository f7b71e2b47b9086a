package ai.soul.edge.web;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/** One page of a list, in the page form every list answers: {@code {data, meta, links}}. */
public record Page<T>(List<T> data, Meta meta, Links links) {

    public record Meta(int page, int perPage, long total, long totalPages) {
    }

    public record Links(String first, String last, String prev, String next) {
    }

    /** Refuses (400, naming the parameter in {@code details.fields}) paging outside 1.. and 1..100, before anything is read. */
    public static void check(int page, int perPage) {
        if (page < 1) throw invalidParameter("page", "must be 1 or more");
        if (perPage < 1 || perPage > 100) throw invalidParameter("per_page", "must be between 1 and 100");
    }

    /** A query parameter out of its range: 400 {@code bad_request} with {@code details.fields.{name}}. */
    public static ApiException invalidParameter(String field, String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, "bad_request", "Invalid parameter " + field,
                Map.of("fields", Map.of(field, List.of(message))));
    }

    /** The links keep every other query parameter of the request and change {@code page} only. */
    public static <T> Page<T> of(List<T> data, int page, int perPage, long total, HttpServletRequest request) {
        long totalPages = Math.max(1, (total + perPage - 1) / perPage);
        LongFunction<String> link = p -> ServletUriComponentsBuilder.fromRequest(request).replaceQueryParam("page", p).build().toUriString();
        return new Page<>(data, new Meta(page, perPage, total, totalPages), new Links(link.apply(1), link.apply(totalPages),
                page > 1 ? link.apply(Math.min(page - 1, totalPages)) : null, page < totalPages ? link.apply(page + 1L) : null));
    }
}
