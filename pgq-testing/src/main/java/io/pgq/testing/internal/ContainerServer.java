package io.pgq.testing.internal;

import io.pgq.testing.ServerKind;
import java.nio.file.Files;
import java.nio.file.Path;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/** A PostgreSQL container on a reachable Docker engine, stopped by Testcontainers' reaper. */
final class ContainerServer implements TestServer {

    /** The image used when Docker is available; matches the embedded server's major version. */
    static final String IMAGE = "postgres:17-alpine";

    private final PostgreSQLContainer<?> container;

    private ContainerServer(PostgreSQLContainer<?> container) {
        this.container = container;
    }

    static boolean dockerReachable() {
        if (!dockerConfigured()) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * A cheap look for any sign of Docker before asking Testcontainers, whose failed search logs
     * an alarming ERROR on machines that simply have no Docker.
     */
    private static boolean dockerConfigured() {
        String home = System.getProperty("user.home");
        return System.getenv("DOCKER_HOST") != null
                || Files.exists(Path.of("/var/run/docker.sock"))
                || Files.exists(Path.of(home, ".docker", "run", "docker.sock"))
                || Files.exists(Path.of(home, ".testcontainers.properties"));
    }

    static ContainerServer start() {
        PostgreSQLContainer<?> container = new PostgreSQLContainer<>(DockerImageName.parse(IMAGE))
                .withCommand("postgres", "-c", "fsync=off", "-c", "max_connections=300");
        container.start();
        return new ContainerServer(container);
    }

    @Override
    public ServerKind kind() {
        return ServerKind.TESTCONTAINERS;
    }

    @Override
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + container.getHost() + ":" + container.getMappedPort(5432) + "/" + database;
    }

    @Override
    public String adminDatabase() {
        return container.getDatabaseName();
    }

    @Override
    public String user() {
        return container.getUsername();
    }

    @Override
    public String password() {
        return container.getPassword();
    }

    @Override
    public String describe() {
        return "Testcontainers " + IMAGE + " at " + container.getHost() + ":" + container.getMappedPort(5432);
    }
}
