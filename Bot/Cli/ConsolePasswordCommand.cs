using System.Text;
using WWPS.PolicyBot.EscalationConsole;

namespace WWPS.PolicyBot.Cli;

/// <summary>
/// <c>console-password</c>: reads a password from stdin (typed without echo, twice, at a terminal; one line when piped)
/// and prints its PBKDF2 hash for <c>Escalation:Manager:ConsolePasswordHash</c> or <c>Escalation:Chair:ConsolePasswordHash</c>.
/// The password is never an argument, so it stays out of shell history and the process list.
/// </summary>
internal static class ConsolePasswordCommand
{
    public const string Verb = "console-password";

    public static async Task<int> RunAsync(TextReader stdin, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var interactive = ReferenceEquals(stdin, Console.In) && !Console.IsInputRedirected;
        string? password;
        if (interactive)
        {
            password = ReadHidden("Console password: ", stderr);
            if (password is not null && ReadHidden("Again: ", stderr) != password)
            {
                await stderr.WriteLineAsync("console-password: the two passwords differ.");
                return 2;
            }
        }
        else
        {
            password = await stdin.ReadLineAsync(cancellationToken);
        }

        if (password is null || password.Length < ConsolePassword.MinimumLength)
        {
            await stderr.WriteLineAsync($"console-password: give a password of at least {ConsolePassword.MinimumLength} characters on stdin.");
            return 2;
        }

        await stdout.WriteLineAsync(ConsolePassword.Hash(password));
        await stderr.WriteLineAsync("Set it as Escalation:Manager:ConsolePasswordHash or Escalation:Chair:ConsolePasswordHash " +
            "(environment: Escalation__Manager__ConsolePasswordHash) and restart the bot.");
        return 0;
    }

    private static string? ReadHidden(string prompt, TextWriter stderr)
    {
        stderr.Write(prompt);
        stderr.Flush();
        var sb = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    stderr.WriteLine();
                    return sb.ToString();
                case ConsoleKey.Backspace:
                    if (sb.Length > 0)
                    {
                        sb.Length--;
                    }

                    break;
                default:
                    if (!char.IsControl(key.KeyChar))
                    {
                        sb.Append(key.KeyChar);
                    }

                    break;
            }
        }
    }
}
