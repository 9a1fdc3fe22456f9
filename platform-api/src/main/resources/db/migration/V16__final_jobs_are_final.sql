-- A final job's row and its attempts never change again, except the mark that its logs were
-- deleted by retention. Replicas keep final jobs' views in memory on the strength of this, so it
-- is the database's rule rather than a convention of the code: any other write fails loudly.
CREATE FUNCTION refuse_final_job_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF to_jsonb(OLD) - 'logs_deleted_at' IS DISTINCT FROM to_jsonb(NEW) - 'logs_deleted_at' THEN
        RAISE EXCEPTION 'job % is final (%): only its logs_deleted_at may change', OLD.id, OLD.state
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER final_jobs_are_final BEFORE UPDATE ON jobs FOR EACH ROW
    WHEN (OLD.state IN ('SUCCEEDED', 'FAILED', 'CANCELLED'))
    EXECUTE FUNCTION refuse_final_job_change();

CREATE FUNCTION refuse_final_attempt_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM jobs WHERE id = OLD.job_id AND state IN ('SUCCEEDED', 'FAILED', 'CANCELLED')) THEN
        RAISE EXCEPTION 'job % is final: its attempt % cannot change', OLD.job_id, OLD.attempt
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

CREATE TRIGGER final_attempts_are_final BEFORE UPDATE OR DELETE ON job_attempts FOR EACH ROW
    EXECUTE FUNCTION refuse_final_attempt_change();
