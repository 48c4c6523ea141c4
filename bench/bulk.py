"""bench/bulk.py — the Python half of bench/bulk (run by it; not a test).

Subcommands (HOST, KEY_ID and SECRET in the environment; bench/roster_client.py signs):
  probe INSTANCE            exit 0 when the server serves POST …/bulk-edits and …/bulk-deletes,
                            else exit 4 saying so (a request with an empty change set: a server
                            that serves them answers 400 and creates no job)
  setup                     a SAML instance and a second routing profile in it; prints
                            "instance=ID rp_basic=ID rp_new=ID"
  load INSTANCE FILE        imports the CSV file (CREATE); prints the import's line of figures
  count INSTANCE PREFIX     SearchUsers' ApproximateTotalCount of the users whose login starts with PREFIX
  edit INSTANCE PREFIX RP   a bulk edit of every user whose login starts with PREFIX, setting the
                            routing profile RP; timed from the POST to the job's end; prints a line
  cancel INSTANCE PREFIX RP AFTER
                            the same bulk edit, canceled AFTER seconds after its POST; times the
                            cancel request to the first answer showing the job CANCELED; prints a line
  delete INSTANCE PREFIX    a bulk delete of those users, timed as the edit; prints a line
Jobs are polled every 50 ms (10 ms after a cancel).
"""
import sys
import time

import roster_client

POLL_S = 0.05
CANCEL_POLL_S = 0.01


def selection(prefix):
    return {"SearchCriteria": {"StringCondition": {"FieldName": "Username", "Value": prefix,
                                                   "ComparisonType": "STARTS_WITH"}}}


def base(instance):
    return f"/roster/v1/instances/{instance}"


def submit(c, instance, kind, doc):
    """POSTs a bulk job; returns (job, monotonic time of the POST)."""
    t0 = time.monotonic()
    status, ans = c.call("POST", f"{base(instance)}/{kind}", doc)
    if status == 404 and "No operation is served" in str(ans):
        sys.exit(f"the server does not serve {kind} (POST {base(instance)}/{kind} answered 404)")
    if status != 202:
        sys.exit(f"POST …/{kind}: {status} {str(ans)[:300]}")
    return ans["Job"], t0


def counts_line(job):
    c = job.get("Counts", {})
    return " ".join(f"{k.lower()}={c.get(k, 0)}" for k in
                    ("Total", "Succeeded", "Failed", "Canceled", "Pending", "Updated", "Unchanged", "Deleted"))


def report_failed(c, instance, job):
    if job["State"] != "COMPLETED" or job.get("Counts", {}).get("Failed"):
        print(f"job: {job}\nfirst failed items: {c.failed_items(instance, job['JobId'])[:2000]!r}", file=sys.stderr)


def timed_job(c, instance, kind, doc):
    job, t0 = submit(c, instance, kind, doc)
    job = c.wait_job(instance, job["JobId"], POLL_S)
    secs = time.monotonic() - t0
    report_failed(c, instance, job)
    total = job.get("Counts", {}).get("Total", 0)
    rate = job.get("UsersPerSecond") or job.get("RowsPerSecond")
    return (f"state={job['State']} {counts_line(job)} seconds={secs:.3f} "
            f"users_per_s={total / secs if secs > 0 else 0:.1f} server_per_s={f'{rate:.1f}' if rate else '-'}")


def cmd_probe(c, instance):
    for kind, doc in (("bulk-edits", {"Selection": {"UserIds": []}, "Changes": {}}),
                      ("bulk-deletes", {"Selection": {"UserIds": []}})):
        status, ans = c.call("POST", f"{base(instance)}/{kind}", doc)
        if status == 404 and "No operation is served" in str(ans):
            print(f"the server does not serve {kind} (POST /roster/v1/instances/…/{kind} answered 404: {ans})",
                  file=sys.stderr)
            return 4
        if status == 202:  # it accepted an empty selection: let that job end before the run
            c.wait_job(instance, ans["Job"]["JobId"], POLL_S)
    return 0


def cmd_setup(c):
    b = c.boto()
    inst = b.create_instance(IdentityManagementType="SAML", InstanceAlias="benchbulk",
                             InboundCallsEnabled=True, OutboundCallsEnabled=True)["Id"]
    rps = b.list_routing_profiles(InstanceId=inst)["RoutingProfileSummaryList"]
    basic = next(r["Id"] for r in rps if r["Name"] == "Basic Routing Profile")
    queue = next(q["Id"] for q in b.list_queues(InstanceId=inst, QueueTypes=["STANDARD"])["QueueSummaryList"])
    new = b.create_routing_profile(InstanceId=inst, Name="Bench Bulk", Description="bench/bulk",
                                   DefaultOutboundQueueId=queue,
                                   MediaConcurrencies=[{"Channel": "VOICE", "Concurrency": 1},
                                                       {"Channel": "CHAT", "Concurrency": 3}])["RoutingProfileId"]
    print(f"instance={inst} rp_basic={basic} rp_new={new}")
    return 0


def cmd_count(c, instance, prefix):
    crit = selection(prefix)["SearchCriteria"]
    ans = c.boto().search_users(InstanceId=instance, SearchCriteria=crit, MaxResults=1)
    print(ans.get("ApproximateTotalCount", 0))
    return 0


def cmd_cancel(c, instance, prefix, rp, after):
    job, t_post = submit(c, instance, "bulk-edits", {"Selection": selection(prefix), "Changes": {"RoutingProfileId": rp}})
    jid = job["JobId"]
    time.sleep(max(0.0, after - (time.monotonic() - t_post)))
    before = c.job(instance, jid)  # what had been done when the cancel was sent (also timed: a GET)
    t0 = time.monotonic()
    status, ans = c.call("POST", f"{base(instance)}/jobs/{jid}/cancel")
    t_answer = time.monotonic() - t0
    if status != 200:
        job = c.wait_job(instance, jid, POLL_S)
        if job["State"] == "COMPLETED":  # it ended before the cancel arrived: nothing to measure
            print(f"state=COMPLETED finished_before_cancel=1 cancel_after={after:.3f} {counts_line(job)} "
                  f"cancel_seconds=0 answer_seconds={t_answer:.3f}")
            return 0
        sys.exit(f"POST …/jobs/{jid}/cancel: {status} {str(ans)[:300]}")
    job = ans["Job"]
    while job["State"] not in roster_client.FINISHED:
        time.sleep(CANCEL_POLL_S)
        job = c.job(instance, jid)
    secs = time.monotonic() - t0
    print(f"state={job['State']} finished_before_cancel=0 cancel_after={after:.3f} "
          f"done_at_cancel={before.get('Counts', {}).get('Succeeded', 0)} {counts_line(job)} "
          f"cancel_seconds={secs:.3f} answer_seconds={t_answer:.3f}")
    return 0


def main(argv):
    c = roster_client.from_env()
    cmd, args = argv[0], argv[1:]
    if cmd == "probe":
        return cmd_probe(c, args[0])
    if cmd == "setup":
        return cmd_setup(c)
    if cmd == "load":
        print(roster_client.import_line(c, args[0], args[1], "CREATE", "false"))
        return 0
    if cmd == "count":
        return cmd_count(c, args[0], args[1])
    if cmd == "edit":
        print(timed_job(c, args[0], "bulk-edits", {"Selection": selection(args[1]),
                                                    "Changes": {"RoutingProfileId": args[2]}}))
        return 0
    if cmd == "cancel":
        return cmd_cancel(c, args[0], args[1], args[2], float(args[3]))
    if cmd == "delete":
        print(timed_job(c, args[0], "bulk-deletes", {"Selection": selection(args[1])}))
        return 0
    sys.exit(f"bench/bulk.py: unknown command {cmd!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
