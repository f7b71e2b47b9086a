package ai.soul.allinone;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The arrows between modules point one way. */
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
}
