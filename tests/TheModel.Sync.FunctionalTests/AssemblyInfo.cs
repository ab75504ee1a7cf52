// Every test runs whole worker processes, redis-server and two HTTP simulators on a 2-core machine: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
