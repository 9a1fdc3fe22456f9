package dev.berth.api.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.berth.api.EmbeddedPlatformResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * docker-java (Engine API 1.44, the version current clients need) against Berth's Docker API:
 * the same containers-as-jobs as the docker CLI sees, from a Java program.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedPlatformResource.class, restrictToAnnotatedClass = true)
class DockerJavaClientTest {

    @ConfigProperty(name = "berth.data-dir")
    Path dataDir;
    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    /**
     * docker-java drops the path of its host URI, so requests get Berth's {@code /docker} prefix and
     * the bearer token here, as the CLI adds them from DOCKER_HOST and config.json.
     */
    private DockerClient client(String tenant) {
        String token = EmbeddedPlatformResource.token(dataDir, "java-user-of-" + tenant, List.of(tenant), "tenant-member");
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost("tcp://127.0.0.1:" + port).withDockerTlsVerify(false).withApiVersion("1.44").build();
        DockerHttpClient http = new ApacheDockerHttpClient.Builder().dockerHost(URI.create("tcp://127.0.0.1:" + port)).build();
        DockerHttpClient prefixed = new DockerHttpClient() {
            @Override
            public Response execute(Request request) {
                Map<String, String> headers = new HashMap<>(request.headers());
                headers.put("Authorization", "Bearer " + token);
                return http.execute(Request.builder().from(request).path("/docker" + request.path()).headers(headers).build());
            }

            @Override
            public void close() throws java.io.IOException {
                http.close();
            }
        };
        return DockerClientImpl.getInstance(config, prefixed);
    }

    @Test
    void aContainerRunsAsAJobAndItsOutputAndExitCodeComeBack() throws Exception {
        DockerClient docker = client("java-a");
        docker.pingCmd().exec();
        assertThat(docker.versionCmd().exec().getApiVersion()).isEqualTo("1.44");

        String id = docker.createContainerCmd("busybox").withCmd("sh", "-c", "echo from-java; echo oops >&2; exit 7")
                .withHostConfig(HostConfig.newHostConfig().withMemory(64L * 1024 * 1024).withPidsLimit(32L)).exec().getId();
        docker.startContainerCmd(id).exec();
        int status = docker.waitContainerCmd(id).start().awaitStatusCode(60, TimeUnit.SECONDS);
        assertThat(status).isEqualTo(7);

        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        docker.logContainerCmd(id).withStdOut(true).withStdErr(true).exec(new ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame frame) {
                (frame.getStreamType() == StreamType.STDERR ? err : out).append(new String(frame.getPayload(), StandardCharsets.UTF_8));
            }
        }).awaitCompletion(30, TimeUnit.SECONDS);
        assertThat(out.toString()).isEqualTo("from-java\n");
        assertThat(err.toString()).isEqualTo("oops\n");

        assertThat(docker.inspectContainerCmd(id).exec().getState().getExitCodeLong()).isEqualTo(7L);
        assertThat(docker.listContainersCmd().withShowAll(true).exec()).extracting(container -> container.getId()).contains(id);
        assertThat(client("java-b").listContainersCmd().withShowAll(true).exec()).extracting(container -> container.getId()).doesNotContain(id);
        docker.removeContainerCmd(id).exec();
        assertThat(docker.listContainersCmd().withShowAll(true).exec()).extracting(container -> container.getId()).doesNotContain(id);
    }

    @Test
    void privilegedIsRefusedWithItsRule() {
        DockerClient docker = client("java-a");
        assertThatThrownBy(() -> docker.createContainerCmd("busybox").withCmd("id")
                .withHostConfig(HostConfig.newHostConfig().withPrivileged(true)).exec())
                .isInstanceOf(DockerException.class).hasMessageContaining("docker.privileged");
    }
}
