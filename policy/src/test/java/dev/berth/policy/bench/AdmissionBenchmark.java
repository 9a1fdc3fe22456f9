package dev.berth.policy.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.policy.Admission;
import dev.berth.policy.AdmissionContext;
import dev.berth.policy.IdRange;
import dev.berth.policy.JobAdmission;
import dev.berth.policy.JobRequest;
import dev.berth.policy.PlatformCeilings;
import dev.berth.policy.ServiceIdentity;
import dev.berth.policy.tenant.PerJobMaxima;
import dev.berth.policy.tenant.TenantPolicy;
import dev.berth.policy.tenant.TenantQuota;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Admission decisions per second on one thread, next to parsing the same request JSON with
 * Jackson (what the API does before admission). Goal: admission costs less than the parse.
 * Run: {@code ./berth bench policy}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AdmissionBenchmark {

    /** A realistic request: every field set, so every rule has work to do. */
    static final String REQUEST_JSON = """
            {"image":"registry.local:5000/team/app:v1.4.2",
             "command":["sh","-c","java -jar /app/app.jar --input /work/in --output /tmp/out"],
             "env":{"JAVA_OPTS":"-Xmx256m","MODE":"batch","LANG":"C.UTF-8","TZ":"UTC"},
             "workingDir":"/work","user":1000,"capabilities":[],
             "resources":{"cpuMillis":500,"memoryMiB":512,"pids":128,"scratchMiB":64},
             "timeoutSeconds":600,"retries":1,
             "labels":{"team":"payments","app.kubernetes.io/name":"nightly-report"},
             "network":"none"}
            """;

    private ObjectMapper mapper;
    private JobAdmission admission;
    private AdmissionContext context;
    private JobRequest request;

    @Setup
    public void setUp() throws IOException {
        mapper = new ObjectMapper();
        admission = new JobAdmission(PlatformCeilings.defaults());
        TenantPolicy policy = new TenantPolicy("baseline", List.of("busybox", "registry.local:5000/team/*"),
                new PerJobMaxima(1000, 2048, 256, 256), List.of(), List.of("none"), 900, 3600, 2, List.of("LD_*"));
        context = new AdmissionContext("acme", new IdRange(1_048_576, 65_536), new ServiceIdentity(999, 995),
                policy, TenantQuota.defaults());
        request = mapper.readValue(REQUEST_JSON, JobRequest.class);
        if (!(admission.admit(request, context) instanceof Admission.Admitted)) {
            throw new IllegalStateException("the benchmark request must be admitted: " + admission.admit(request, context));
        }
    }

    @Benchmark
    public Admission admit() {
        return admission.admit(request, context);
    }

    @Benchmark
    public JobRequest parseRequestJson() throws IOException {
        return mapper.readValue(REQUEST_JSON, JobRequest.class);
    }
}
