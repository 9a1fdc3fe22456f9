package dev.berth.api.jobs;

import dev.berth.api.config.DataConfig;
import dev.berth.api.policy.PlatformBaselineConfig;
import dev.berth.engine.host.HostIdentity;
import dev.berth.policy.JobAdmission;
import dev.berth.policy.ServiceIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Policy objects for admission: the configured platform baseline and the service account jobs map root to. */
@ApplicationScoped
public class AdmissionProducer {

    @Produces
    @Singleton
    JobAdmission admission(PlatformBaselineConfig baseline, DataConfig data) {
        return new JobAdmission(baseline.ceilings(), data.ceilings());
    }

    @Produces
    @Singleton
    ServiceIdentity serviceIdentity() {
        HostIdentity self = HostIdentity.current();
        return new ServiceIdentity(self.uid(), self.gid());
    }
}
