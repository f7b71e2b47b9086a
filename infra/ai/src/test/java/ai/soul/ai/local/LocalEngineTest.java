package ai.soul.ai.local;

import ai.soul.domain.ai.AiPort.Reply;
import ai.soul.domain.ai.AiPort.ReplyRequest;
import ai.soul.domain.ai.AiPort.Summary;
import ai.soul.domain.ai.AiPort.SummaryRequest;
import ai.soul.domain.ai.AiPort.Turn;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalEngineTest {

    static final List<Turn> SALES_CALL = List.of(
            new Turn("user", """
                    Hi Dana, thanks for taking the call today. We are evaluating tools for our support team of about
                    forty agents, and pricing is the main thing we need to understand before we go further."""),
            new Turn("agent", """
                    Happy to help. Our pricing has three tiers: Starter at 15 dollars per agent per month, Growth at 29 \
                    dollars, and Enterprise, which is quoted per contract. For a team of forty agents most customers pick \
                    the Growth tier, and annual billing brings the pricing down by 20 percent."""),
            new Turn("user", """
                    That sounds reasonable. Our finance team will want the pricing in writing, with the annual discount \
                    spelled out. Is there a minimum contract length?"""),
            new Turn("agent", """
                    There is no minimum on monthly plans; annual plans are billed once a year. I'll send the pricing sheet \
                    with the Growth and Enterprise options by Friday. Let's schedule a demo for your team leads next week \
                    so they can see the routing rules."""),
            new Turn("user", """
                    Great, a demo on Tuesday afternoon works for us. Please include the integration with Zendesk in the \
                    demo, because our tickets live there today.""")
    );

    static final List<Turn> COMPLAINT = List.of(
            new Turn("user", """
                    I am really frustrated. My order 4471 arrived broken, the screen is cracked and the charger is missing.
                    I contacted support twice last week and nobody answered. This is unacceptable for a product that cost \
                    this much."""),
            new Turn("agent", """
                    I am very sorry about this experience. A cracked screen and a missing charger are not what you should \
                    receive, and the silence from support was wrong. I will arrange a replacement unit today."""),
            new Turn("user", """
                    I don't want a replacement, the whole experience has been terrible. I want a full refund. Can you \
                    refund the order to my card?"""),
            new Turn("agent", """
                    Understood. I will process a full refund to your card, and we need to collect the broken unit, so \
                    I'll email you a prepaid return label within the hour.""")
    );

    static final String PLANNING_CONTEXT = """
            Project Atlas: migrating the billing service to the new event store.

            The team met on Monday to plan the next phase. The deadline for the billing migration is March 14, \
            because the old database licence expires at the end of March. Priya owns the data migration scripts, and \
            Tom owns the rollback plan.

            The load tests showed that the new event store handles three times the current traffic. The main risk is \
            the reconciliation report, which still reads from the old database. We need to rewrite the reconciliation \
            report before the cutover. Tom will review the rollback plan with the operations team on Thursday.""";

    static final List<Turn> PLANNING = List.of(
            new Turn("user", "Can we move the cutover to the weekend of March 8 to leave a buffer?"),
            new Turn("agent", "A weekend cutover needs the operations team on call, so it depends on their rota."));

    final LocalEngine engine = new LocalEngine();

    @Test
    void theSalesCallSummaryKeepsItsKeySentencesAndFindsItsTopicsAndActions() {
        Summary summary = engine.summarize(new SummaryRequest(null, "Call with Acme", null, SALES_CALL, "en", "concise"));

        assertThat(summary.content()).contains("Our pricing has three tiers");
        assertThat(summary.topics()).contains("pricing").hasSizeLessThanOrEqualTo(5);
        assertThat(summary.actionItems()).anyMatch(item -> item.startsWith("Send the pricing sheet"))
                .contains("Schedule a demo for your team leads next week")
                .anyMatch(item -> item.startsWith("Include the integration with Zendesk"));
        assertThat(summary.sentiment()).isEqualTo("positive");
        assertThat(summary.title()).isNotBlank().hasSizeLessThanOrEqualTo(200);
        assertThat(summary.model()).isEqualTo(LocalEngine.MODEL_ID);
        assertThat(summary.promptTokens()).isGreaterThan(100);
        assertThat(summary.completionTokens()).isPositive();
    }

    @Test
    void styleDecidesLengthAndShape() {
        Summary concise = engine.summarize(new SummaryRequest(null, null, null, SALES_CALL, "en", "concise"));
        Summary detailed = engine.summarize(new SummaryRequest(null, null, null, SALES_CALL, "en", "detailed"));
        Summary bullet = engine.summarize(new SummaryRequest(null, null, null, SALES_CALL, "en", "bullet"));

        assertThat(detailed.content().length()).isGreaterThan(concise.content().length());
        List<String> lines = bullet.content().lines().toList();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(3).allMatch(line -> line.startsWith("- "));
        // extractive: every bullet is a sentence of the conversation, in the conversation's order
        String all = String.join(" ", SALES_CALL.stream().map(Turn::content).toList()).replaceAll("\\s+", " ");
        List<Integer> positions = new ArrayList<>();
        for (String line : lines) {
            int at = all.indexOf(line.substring(2));
            assertThat(at).as(line).isNotNegative();
            positions.add(at);
        }
        assertThat(positions).isSorted();
    }

    @Test
    void theComplaintIsNegativeAndItsCommitmentsAreActionItems() {
        Summary summary = engine.summarize(new SummaryRequest(null, null, null, COMPLAINT, "en", "detailed"));

        assertThat(summary.sentiment()).isEqualTo("negative");
        assertThat(summary.sentimentScore()).isBetween(-1.0, -Sentiment.THRESHOLD);
        assertThat(summary.actionItems()).contains("Process a full refund to your card")
                .anyMatch(item -> item.startsWith("Email you a prepaid return label"))
                .anyMatch(item -> item.startsWith("Arrange a replacement unit"));
        assertThat(summary.topics()).contains("refund");
    }

    @Test
    void sentimentHandlesNegationAndIntensifiers() {
        assertThat(Sentiment.of(List.of("The onboarding was good.")).score()).isPositive();
        assertThat(Sentiment.of(List.of("The onboarding was not good.")).score()).isNegative();
        assertThat(Sentiment.of(List.of("The onboarding was very good.")).score())
                .isGreaterThan(Sentiment.of(List.of("The onboarding was good.")).score());
        assertThat(Sentiment.of(List.of("No problem at all, the invoice is attached.")).label()).isNotEqualTo("negative");
        assertThat(Sentiment.of(List.of("The meeting is at noon in room four.")).label()).isEqualTo("neutral");
    }

    @Test
    void theReplyToADeadlineQuestionQuotesTheDeadlineSentence() {
        List<Turn> turns = new ArrayList<>(PLANNING);
        turns.add(new Turn("user", "What did we say about the deadline?"));
        Reply reply = engine.reply(new ReplyRequest(null, null, "Project Atlas", PLANNING_CONTEXT, turns, true));

        assertThat(reply.content()).contains("The deadline for the billing migration is March 14");
        assertThat(reply.content()).doesNotContain("load tests");
        assertThat(reply.reasoning()).contains("TF-IDF").contains("deadlin");
        assertThat(reply.model()).isEqualTo(LocalEngine.MODEL_ID);
        assertThat(reply.completionTokens()).isEqualTo(Text.tokens(reply.content()).size());
    }

    @Test
    void aReplyAcknowledgesRequestsAndAsksWhenNothingMatches() {
        List<Turn> turns = new ArrayList<>(PLANNING);
        turns.add(new Turn("user", "Please send the updated timeline to Priya."));
        Reply acknowledged = engine.reply(new ReplyRequest(null, null, null, PLANNING_CONTEXT, turns, false));
        assertThat(acknowledged.content()).contains("Send the updated timeline to Priya");
        assertThat(acknowledged.reasoning()).isNull();

        Reply unknown = engine.reply(new ReplyRequest(null, null, null, PLANNING_CONTEXT,
                List.of(new Turn("user", "What about the marketing budget for Brazil?")), false));
        assertThat(unknown.content()).contains("nothing about").contains("marketing").endsWith("?");
    }

    @Test
    void theSystemPromptCanNameTheAgentAndKeepItConcise() {
        List<Turn> turns = new ArrayList<>(PLANNING);
        turns.add(new Turn("user", "Hello, who owns the rollback plan and the migration scripts?"));
        Reply reply = engine.reply(new ReplyRequest(null, "You are Ada, a project assistant. Be concise.", null,
                PLANNING_CONTEXT, turns, false));
        assertThat(reply.content()).startsWith("I'm Ada");
        assertThat(reply.content().lines().filter(line -> line.startsWith("- \""))).hasSize(1);
    }

    @Test
    void streamingHandsOverTheReplyWordByWord() {
        List<Turn> turns = new ArrayList<>(PLANNING);
        turns.add(new Turn("user", "What is the main risk?"));
        List<String> pieces = new ArrayList<>();
        Reply reply = engine.replyStreaming(new ReplyRequest(null, null, null, PLANNING_CONTEXT, turns, false), pieces::add);
        assertThat(pieces.size()).isGreaterThan(5);
        assertThat(String.join("", pieces)).isEqualTo(reply.content());
        assertThat(reply.content()).contains("reconciliation report");
    }

    @Test
    void theSameInputGivesTheSameOutput() {
        var request = new SummaryRequest(null, null, PLANNING_CONTEXT, PLANNING, "en", "detailed");
        assertThat(engine.summarize(request)).isEqualTo(engine.summarize(request));
        var replyRequest = new ReplyRequest(null, null, null, PLANNING_CONTEXT,
                List.of(new Turn("user", "Who reviews the rollback plan?")), true);
        assertThat(engine.reply(replyRequest)).isEqualTo(engine.reply(replyRequest));
    }

    @Test
    void aSummaryOfAnotherLanguageStaysInIt() {
        String portuguese = """
                A reunião de planejamento foi na segunda-feira. O prazo da migração do sistema de faturamento é 14 de \
                março. A Priya cuida dos scripts de migração e o Tom cuida do plano de reversão. O principal risco é o \
                relatório de conciliação, que ainda lê do banco antigo.""";
        Summary summary = engine.summarize(new SummaryRequest(null, null, portuguese, List.of(), "en", "concise"));
        assertThat(portuguese.replaceAll("\\s+", " ")).contains(summary.content());
        assertThat(summary.topics()).doesNotContain("que", "do", "da");
    }

    @Test
    void anotherModelIsRefused() {
        assertThatThrownBy(() -> engine.summarize(new SummaryRequest("gpt-4", null, null, SALES_CALL, "en", "concise")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Issue 10: 30,000 one-line messages once made an n×n matrix (6 GB); only the latest sentences are ranked. */
    @Test
    void aSummaryRanksOnlyTheLatestSentencesHoweverLongTheConversation() {
        List<Turn> turns = new java.util.ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            turns.add(new Turn("user", "Item " + i + " of the inventory list was checked by the warehouse team today."));
        }
        LocalEngine bounded = new LocalEngine(50);
        Summary summary = bounded.summarize(new SummaryRequest(null, null, null, turns, "en", "detailed"));
        java.util.regex.Matcher numbers = java.util.regex.Pattern.compile("Item (\\d+)").matcher(summary.content());
        int found = 0;
        while (numbers.find()) {
            assertThat(Integer.parseInt(numbers.group(1))).isGreaterThanOrEqualTo(30_000 - 50);
            found++;
        }
        assertThat(found).isPositive();
        Reply reply = bounded.reply(new ReplyRequest(null, null, null, null, turns, false));
        assertThat(reply.content()).doesNotContain("\"Item 0 of");
    }
}
