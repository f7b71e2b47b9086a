package ai.soul.platform.auth;

/** The account a request acts for, established by {@link ApiKeyFilter}; a controller parameter of this type receives it. */
public record Caller(String accountId) {
    static final String ATTRIBUTE = Caller.class.getName();
}
