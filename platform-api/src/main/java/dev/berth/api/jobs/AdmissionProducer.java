package dev.berth.api.jobs;

import dev.berth.engine.host.HostIdentity;
import dev.berth.policy.JobAdmission;
import dev.berth.policy.PlatformCeilings;
import dev.berth.policy.ServiceIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Policy objects for admission: the platform ceilings and the service account jobs map root to. */
@ApplicationScoped
public class AdmissionProducer {

    @Produces
    @Singleton
    JobAdmission admission() {
        return new JobAdmission(PlatformCeilings.defaults());
    }

    @Produces
    @Singleton
    ServiceIdentity serviceIdentity() {
        HostIdentity self = HostIdentity.current();
        return new ServiceIdentity(self.uid(), self.gid());
    }
}
