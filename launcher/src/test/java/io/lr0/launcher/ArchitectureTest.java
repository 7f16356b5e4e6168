package io.lr0.launcher;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package map, enforced over every module's production classes: the contract and a shared runtime at the
 * ground, one package per stage above them (no stage uses another), the wiring on top of the stages, the command
 * lines on top of everything; the local stack and the benchmarks outside the deployable.
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
                .layer("Contract")
                .definedBy("io.lr0.schema..", "io.lr0.registry..", "io.lr0.contract..", "io.lr0.http..")
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
                .whereLayer("Kernel")
                .mayOnlyBeAccessedByLayers("Runtime", "Stages", "Services", "Wiring", "Cli", "Tools")
                .check(classes);
    }
}
