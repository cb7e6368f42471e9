using System.Text;
using System.Text.Json;
using WWPS.PolicyBot.Cognitive;
using WWPS.PolicyBot.Cognitive.Answering;
using WWPS.PolicyBot.Cognitive.Policy;
using WWPS.PolicyBot.Cognitive.Retrieval;
using WWPS.PolicyBot.Cognitive.Understanding;

namespace WWPS.PolicyBot.Cli;

/// <summary>
/// The bot's verbs for scripts and evaluation: <c>ask</c> and <c>check</c>. They call the same Cognitive services the
/// dialogs do. Results go to stdout; messages for people go to stderr so JSON Lines output stays clean.
/// </summary>
internal static class CommandLine
{
    public static bool IsVerb(string arg) => arg is "ask" or "check" or "embed" or TeamsPackageCommand.Verb or ConsolePasswordCommand.Verb or "help" or "--help" or "-h";

    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        // Packaging needs neither the policy nor the analysers, so it is routed before they load.
        if (args[0] is TeamsPackageCommand.Verb)
        {
            return await TeamsPackageCommand.RunAsync(args.Skip(1), Configuration(), stdout, stderr, cancellationToken);
        }

        if (args[0] is ConsolePasswordCommand.Verb)
        {
            return await ConsolePasswordCommand.RunAsync(stdin, stdout, stderr, cancellationToken);
        }

        var (options, rest) = Options.Parse(args.Skip(1));
        if (options.Error is { } error)
        {
            await stderr.WriteLineAsync(error);
            return 2;
        }

        if (args[0] is "embed")
        {
            return await EmbedAsync(options, rest, stdin, stdout, stderr, cancellationToken);
        }

        if (args[0] is not ("ask" or "check"))
        {
            await stderr.WriteLineAsync(Usage);
            return args[0] is "help" or "--help" or "-h" ? 0 : 2;
        }

        var configuration = Configuration();
        ServiceProvider provider;
        CognitiveServices services;
        try
        {
            var settings = CognitiveSettingsFrom(configuration);
            settings = settings with
            {
                PolicyPath = options.PolicyPath ?? settings.PolicyPath,
                AskSemantic = options.Semantic ?? settings.AskSemantic,
                AskLearned = options.Learned ?? settings.AskLearned,
                LoadSemanticNow = args[0] is "ask",
            };
            // Warnings (a policy contact that does not validate, Azure falling back) go to stderr, one line each; stdout
            // carries only answers, so `ask --jsonl` stays machine-readable.
            provider = Provide(settings, stderr);
            services = provider.GetRequiredService<CognitiveServices>();
        }
        catch (PolicyFormatException ex)
        {
            await stderr.WriteLineAsync(ex.Message);
            return 3;
        }

        await using var disposing = provider;
        switch (args[0])
        {
            case "ask":
                return await AskAsync(services.Answerer, options, rest, stdin, stdout, stderr, cancellationToken);
            case "check":
                return await CheckCommand.RunAsync(services.Reviewer, options, rest, stdin, stdout, stderr, cancellationToken);
            default:
                await stderr.WriteLineAsync(Usage);
                return args[0] is "help" or "--help" or "-h" ? 0 : 2;
        }
    }

    private const string Usage = """
        usage:
          WWPS.PolicyBot ask "question"          answer a question from the policy, with the clauses it rests on
          WWPS.PolicyBot ask --jsonl             read {"q": ...} lines on stdin, write one JSON answer a line
          WWPS.PolicyBot check "draft post"      check a draft (text from the argument, --file F, or stdin)
          WWPS.PolicyBot check --jsonl           read {"text": ..., "attachments": [...]} lines, write one result a line
          WWPS.PolicyBot teams-package [--app-id GUID] [--out appPackage.zip] [--manifest DIR]
                                                 build the Teams app package from manifest/teams (id: --app-id or MicrosoftAppId)
          WWPS.PolicyBot embed --jsonl [--draft] read {"text": ...} lines, write {"v": [384 floats]} (the sentence vectors the models
                                                 learn from; with --draft as the draft model reads them, extra features in "x";
                                                 with --tokens the word-piece ids of each window read, in "ids")
          WWPS.PolicyBot console-password        read a password on stdin, print the hash for Escalation:{Manager,Chair}:ConsolePasswordHash
        options:
          --explain                              (ask) also print what each candidate clause matched on
          --policy PATH                          a policy file (.md, .txt, .docx) instead of the bundled one
          --learned | --semantic | --lexical     (ask) the learned model (the default, Ask:Learned), BM25 plus meaning
                                                 (Ask:Semantic), or BM25 alone; a policy other than the bundled one is
                                                 always read by retrieval
        with no verb the bot starts its web host (web chat on http://localhost:3978/).
        """;

    private static async Task<int> AskAsync(PolicyAnswerer answerer, Options options, List<string> rest, TextReader stdin, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (options.JsonLines)
        {
            await ForEachLineAsync(stdin, stdout, line =>
            {
                var input = JsonSerializer.Deserialize(line, CliJsonContext.Default.AskInput);
                if (input?.Q is not { } q)
                {
                    return JsonSerializer.Serialize(new CliError("expected an object with a \"q\" string"), CliJsonContext.Default.CliError);
                }

                return JsonSerializer.Serialize(answerer.Answer(q), CliJsonContext.Default.PolicyAnswer);
            }, cancellationToken);
            return 0;
        }

        var question = string.Join(' ', rest);
        if (question.Length == 0)
        {
            await stderr.WriteLineAsync("ask: give a question, e.g. ask \"can I friend a parent on Facebook?\"");
            return 2;
        }

        await stdout.WriteAsync(Render(answerer.Answer(question)));
        if (options.Explain)
        {
            // For people tuning the synonym map or the threshold: what each candidate clause matched on.
            foreach (var match in answerer.Explain(question))
            {
                await stderr.WriteLineAsync($"  {match.Score:0.000} {match.Clause.Id}: {string.Join(", ", match.MatchedTerms)}"
                    + (match.Similarity is { } similarity ? $" (similarity {similarity:0.000})" : ""));
            }
        }

        return 0;
    }

    /// <summary>
    /// The sentence vector of each line's text, made by the same <see cref="SentenceEmbedder"/> the bot runs: the
    /// training script (Cognitive/Understanding/Training) learns from these, so training and serving see the same
    /// numbers. With --draft, what the draft model reads instead: the vector of the draft as the model sees it, and the
    /// extra features beside it (x).
    /// </summary>
    private static async Task<int> EmbedAsync(Options options, List<string> rest, TextReader stdin, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (!options.JsonLines)
        {
            await stderr.WriteLineAsync("embed: use --jsonl and give {\"text\": ...} lines on stdin");
            return 2;
        }

        await using var provider = Provide(CognitiveSettingsFrom(Configuration()) with { LoadSemanticNow = true, AskLearned = false }, stderr);
        var services = provider.GetRequiredService<CognitiveServices>();
        var drafts = rest.Contains("--draft");
        var lexical = new ClauseRetriever(services.Policy);
        await ForEachLineAsync(stdin, stdout, async line =>
        {
            var input = JsonSerializer.Deserialize(line, CliJsonContext.Default.CheckInput);
            if (input?.Text is not { } text)
            {
                return JsonSerializer.Serialize(new CliError("expected an object with a \"text\" string"), CliJsonContext.Default.CliError);
            }

            EmbedOutput output;
            if (rest.Contains("--tokens"))
            {
                output = new EmbedOutput([], Ids: [.. SentenceEmbedder.Windows(text).Select(services.Embedder.TokenIds)]);
            }
            else if (drafts)
            {
                var (modelText, extra) = await services.Reviewer.ModelInputAsync(CheckCommand.ToDraft(input), cancellationToken);
                output = new EmbedOutput(services.Embedder.Embed(modelText), extra);
            }
            else
            {
                output = new EmbedOutput(services.Embedder.Embed(text), QuestionModel.LexicalFeatures(lexical, services.Policy, text));
            }

            return JsonSerializer.Serialize(output, CliJsonContext.Default.EmbedOutput);
        }, cancellationToken);
        return 0;
    }

    /// <summary>
    /// The Cognitive services through the web host's own registration (<see cref="CognitiveRegistration.AddCognitive"/>),
    /// logging to stderr, so a policy contact that does not validate or Azure falling back is one line there.
    /// </summary>
    /// <exception cref="PolicyFormatException">The configured policy file cannot be read (thrown when the services are first resolved).</exception>
    private static ServiceProvider Provide(CognitiveSettings settings, TextWriter stderr) =>
        new ServiceCollection()
            .AddSingleton<ILoggerFactory>(new StderrLoggerFactory(stderr))
            .AddCognitive(settings)
            .BuildServiceProvider();

    /// <summary>Readable answer for a terminal: the verdict, then each cited clause quoted with its id.</summary>
    internal static string Render(PolicyAnswer answer)
    {
        var sb = new StringBuilder();
        sb.AppendLine(answer.Answer);
        foreach (var c in answer.Citations)
        {
            sb.AppendLine();
            sb.AppendLine($"  {c.Title} [{c.Clause}]");
            sb.AppendLine($"  \u201c{c.Text}\u201d");
        }

        return sb.ToString();
    }

    /// <summary>
    /// One output line per input line, in order. A line that is not valid JSON gets an error object rather than
    /// stopping the batch, so a caller can still pair outputs with inputs.
    /// </summary>
    internal static Task ForEachLineAsync(TextReader stdin, TextWriter stdout, Func<string, string> handle, CancellationToken cancellationToken) =>
        ForEachLineAsync(stdin, stdout, line => Task.FromResult(handle(line)), cancellationToken);

    internal static async Task ForEachLineAsync(TextReader stdin, TextWriter stdout, Func<string, Task<string>> handle, CancellationToken cancellationToken)
    {
        while (await stdin.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Trim().Length == 0)
            {
                continue;
            }

            string output;
            try
            {
                output = await handle(line);
            }
            catch (JsonException)
            {
                output = JsonSerializer.Serialize(new CliError("not a JSON object"), CliJsonContext.Default.CliError);
            }

            await stdout.WriteLineAsync(output);
        }

        await stdout.FlushAsync(cancellationToken);
    }

    internal static CognitiveSettings CognitiveSettingsFrom(IConfiguration configuration) => new(
        configuration.GetValue<string>("Policy:Path"),
        configuration.GetValue("Ask:Threshold", PolicyAnswerer.DefaultThreshold),
        configuration.GetValue<string>("AzureLanguage:Endpoint"),
        configuration.GetValue<string>("AzureLanguage:Key"),
        configuration.GetValue("Ask:Semantic", true),
        configuration.GetValue("Ask:SemanticThreshold", SemanticClauseRetriever.DefaultThreshold),
        configuration.GetValue<string>("Ask:SemanticCache"),
        AskLearned: configuration.GetValue("Ask:Learned", true));

    private static IConfiguration Configuration() => new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .Build();

    internal sealed record Options(bool JsonLines, bool Explain, string? PolicyPath, string? FilePath, string? Error, bool? Semantic = null, bool? Learned = null)
    {
        public static (Options, List<string>) Parse(IEnumerable<string> args)
        {
            var rest = new List<string>();
            bool jsonl = false, explain = false;
            string? policy = null, file = null, error = null;
            bool? semantic = null, learned = null;
            using var e = args.GetEnumerator();
            while (e.MoveNext())
            {
                switch (e.Current)
                {
                    case "--jsonl":
                        jsonl = true;
                        break;
                    case "--explain":
                        explain = true;
                        break;
                    case "--learned":
                        (semantic, learned) = (true, true);
                        break;
                    case "--semantic":
                        (semantic, learned) = (true, false);
                        break;
                    case "--lexical":
                        (semantic, learned) = (false, false);
                        break;
                    case "--policy":
                        policy = e.MoveNext() ? e.Current : null;
                        error ??= policy is null ? "--policy needs a path" : null;
                        break;
                    case "--file":
                        file = e.MoveNext() ? e.Current : null;
                        error ??= file is null ? "--file needs a path" : null;
                        break;
                    default:
                        rest.Add(e.Current);
                        break;
                }
            }

            return (new Options(jsonl, explain, policy, file, error, semantic, learned), rest);
        }
    }
}
