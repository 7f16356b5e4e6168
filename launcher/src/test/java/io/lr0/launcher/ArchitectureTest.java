package io.lr0.launcher;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package map, enforced over every module's production classes: the platform (HTTP server, shutdown) under the
 * contract, the contract and a shared runtime at the ground (its concerns in packages of their own, without cycles), one package per stage above them (no stage uses
 * another), the wiring on top of the stages, the command lines on top of everything; the local stack and the
 * benchmarks outside the deployable, which uses Kafka's public API only; a package-info in every package.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // The application's test helpers arrive as its test jar.
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("io.lr0");
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("io.lr0.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theRuntimesConcernsHaveNoCycles() {
        slices().matching("io.lr0.runtime.(*)..").should().beFreeOfCycles().check(classes);
    }

    /** Kafka's internals change without notice between releases: the deployable uses its public API only. */
    @Test
    void theDeployableUsesNoKafkaInternals() {
        noClasses()
                .that()
                .resideOutsideOfPackages("io.lr0.local..", "io.lr0.bench..", "io.lr0.launcher..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.apache.kafka..internals..")
                .check(classes);
    }

    /** Every package says what it holds in a package-info.java, as Kafka's and DJL's do. */
    @Test
    void everyPackageHasAPackageInfo() throws IOException {
        List<Path> missing;
        try (Stream<Path> sources = Files.walk(Path.of(".."))) {
            missing = sources.filter(path -> path.toString().endsWith(".java"))
                    .filter(path -> path.toString().contains("/src/main/java/"))
                    .filter(path -> !path.toString().contains("/target/"))
                    .map(Path::getParent)
                    .distinct()
                    .filter(dir -> !Files.exists(dir.resolve("package-info.java")))
                    .sorted()
                    .toList();
        }
        assertEquals(List.of(), missing, "packages without a package-info.java");
    }

    /** docs/architecture.md's package table names every package of the code, and no other. */
    @Test
    void theArchitectureDocNamesEveryPackage() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "architecture.md"));
        String table = doc.substring(doc.indexOf("## Packages"), doc.indexOf("Every stage has one shape"));
        Set<String> documented = new TreeSet<>();
        Matcher names = Pattern.compile("`(io\\.lr0\\.[a-z.]+)`").matcher(table);
        while (names.find()) {
            documented.add(names.group(1));
        }
        Set<String> code = new TreeSet<>(List.of("io.lr0.schema"));
        try (Stream<Path> sources = Files.walk(Path.of(".."))) {
            sources.filter(path -> path.getFileName().toString().equals("package-info.java"))
                    .filter(path -> path.toString().contains("/src/main/java/"))
                    .filter(path -> !path.toString().contains("/target/"))
                    .map(path -> path.getParent()
                            .toString()
                            .split("/src/main/java/")[1]
                            .replace('/', '.'))
                    .forEach(code::add);
        }
        assertEquals(code, documented, "the packages of docs/architecture.md's table against the code's");
    }

    @Test
    void stagesDoNotUseEachOther() {
        slices().matching("io.lr0.(degrade|superres|inference|metrics)..")
                .should()
                .notDependOnEachOther()
                .check(classes);
    }

    @Test
    void dependenciesPointDownTheDataFlow() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("Platform")
                .definedBy("io.lr0.http..", "io.lr0.lifecycle..")
                .layer("Contract")
                .definedBy("io.lr0.schema..", "io.lr0.registry..", "io.lr0.contract..")
                .layer("Kernel")
                .definedBy("io.lr0.image..")
                .layer("Runtime")
                .definedBy("io.lr0.runtime..", "io.lr0.djl..")
                .layer("Stages")
                .definedBy("io.lr0.degrade..", "io.lr0.superres..", "io.lr0.inference..", "io.lr0.metrics..")
                .layer("Services")
                .definedBy("io.lr0.dashboard..", "io.lr0.dlq..", "io.lr0.report..")
                .layer("Wiring")
                .definedBy("io.lr0.app..")
                .layer("Producers")
                .definedBy("io.lr0.producers..")
                .layer("Cli")
                .definedBy("io.lr0.cli..")
                .layer("Local")
                .definedBy("io.lr0.local..")
                .layer("Tools")
                .definedBy("io.lr0.bench..", "io.lr0.launcher..")
                .whereLayer("Tools")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("Local")
                .mayOnlyBeAccessedByLayers("Tools")
                .whereLayer("Cli")
                .mayOnlyBeAccessedByLayers("Tools")
                .whereLayer("Wiring")
                .mayOnlyBeAccessedByLayers("Cli", "Tools")
                .whereLayer("Services")
                .mayOnlyBeAccessedByLayers("Wiring", "Cli", "Tools")
                .whereLayer("Stages")
                .mayOnlyBeAccessedByLayers("Services", "Wiring", "Cli", "Tools")
                .whereLayer("Runtime")
                .mayOnlyBeAccessedByLayers("Stages", "Services", "Wiring", "Cli", "Tools")
                .whereLayer("Producers")
                .mayOnlyBeAccessedByLayers("Cli", "Tools")
                .whereLayer("Contract")
                .mayOnlyBeAccessedByLayers(
                        "Kernel", "Runtime", "Stages", "Services", "Wiring", "Producers", "Cli", "Local", "Tools")
                .whereLayer("Kernel")
                .mayOnlyBeAccessedByLayers("Runtime", "Stages", "Services", "Wiring", "Cli", "Tools")
                .check(classes);
    }
}
