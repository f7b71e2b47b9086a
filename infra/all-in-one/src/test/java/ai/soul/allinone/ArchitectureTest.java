package ai.soul.allinone;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The arrows between modules point one way, and a capability keeps its insides to itself (docs/adding-a-capability.md). */
@AnalyzeClasses(packages = "ai.soul", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule projectionsNeverSeeTheDomain = noClasses().that().resideInAPackage("ai.soul.projections..")
            .should().dependOnClassesThat().resideInAPackage("ai.soul.domain..");

    @ArchTest
    static final ArchRule domainKnowsNoWebNoMongoNoKafka = noClasses().that().resideInAPackage("ai.soul.domain..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "org.springframework.web..", "org.springframework.http..", "jakarta.servlet..",
                    "com.mongodb..", "org.bson..", "org.apache.kafka..", "org.springframework.kafka..",
                    "ai.soul.edge..", "ai.soul.projections..", "ai.soul.eventstore..");

    @ArchTest
    static final ArchRule schemasDependOnNothingOfOurs = classes().that().resideInAPackage("ai.soul.schemas..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("ai.soul.schemas..", "java..", "com.fasterxml.jackson.annotation..");

    @ArchTest
    static final ArchRule readSideNeverSendsCommands = noClasses().that().resideInAPackage("ai.soul.query..")
            .should().dependOnClassesThat().resideInAnyPackage("ai.soul.domain..", "org.axonframework..");

    @ArchTest
    static final ArchRule aggregatesStayPackagePrivate = classes()
            .that().areAnnotatedWith(org.axonframework.spring.stereotype.Aggregate.class)
            .should().notBePublic();

    /** Only what every capability shares is in the edge: it knows no capability, no read model and no domain. */
    @ArchTest
    static final ArchRule theEdgeKnowsNoCapability = noClasses().that().resideInAPackage("ai.soul.edge..")
            .should().dependOnClassesThat().resideInAnyPackage("ai.soul.projections..", "ai.soul.domain..",
                    "ai.soul.command..", "ai.soul.query..", "ai.soul.eventstore..", "ai.soul.export..");

    /**
     * A capability's controllers in one app do not reach into another capability's package there; what
     * two capabilities share goes through schemas, the read models' readers or the edge. A conversation
     * shows its attachments, so it may use the attachment package's public mapping.
     */
    @ArchTest
    static final ArchRule commandCapabilitiesStayApart = slices().matching("ai.soul.command.(*)..").should().notDependOnEachOther();

    @ArchTest
    static final ArchRule queryCapabilitiesStayApart = slices().matching("ai.soul.query.(*)..").should().notDependOnEachOther()
            .ignoreDependency(com.tngtech.archunit.base.DescribedPredicate.describe("the conversation",
                            (com.tngtech.archunit.core.domain.JavaClass c) -> c.getPackageName().equals("ai.soul.query.conversation")),
                    com.tngtech.archunit.base.DescribedPredicate.describe("its attachments' mapping",
                            (com.tngtech.archunit.core.domain.JavaClass c) -> c.getName().equals("ai.soul.query.attachment.AttachmentResources")));

    /** Read models of different capabilities do not depend on each other in a cycle. */
    @ArchTest
    static final ArchRule readModelsFreeOfCycles = slices().matching("ai.soul.projections.(*)..").should().beFreeOfCycles();

    /** A capability's controller is its inside: nothing else calls it (the edge's own, imported by its configuration, are public). */
    @ArchTest
    static final ArchRule controllersStayPackagePrivate = classes()
            .that().areAnnotatedWith(org.springframework.web.bind.annotation.RestController.class)
            .and().resideInAnyPackage("ai.soul.command..", "ai.soul.query..")
            .should().notBePublic();

    /** A projector is run by the runtime through its interface; only its own module (and the bench's baseline) names it. */
    @ArchTest
    static final ArchRule projectorsAreNamedOnlyByTheirModule = classes()
            .that().implement(ai.soul.projections.Projector.class)
            .should().onlyBeAccessed().byAnyPackage("ai.soul.projections..", "ai.soul.bench..");
}
