using NewsAggregator;

// An ingest worker: reads articles as JSON lines (a file, or standard input with --input -), finds each one's copies
// and adds it in one atomic step, prints the copies as they arrive, and keeps the index durable (snapshot + journal,
// checkpointed when the host stops). Settings come from configuration: appsettings.json, environment (Dedup__Threshold)
// or the command line (--Dedup:SnapshotPath news.index).
HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddDedup(builder.Configuration);
builder.Services.AddHostedService<IngestWorker>();
await builder.Build().RunAsync();
