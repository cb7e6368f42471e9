using System.Net;
using System.Net.Mail;
using WWPS.PolicyBot.Dialogs.Escalations;

namespace WWPS.PolicyBot.Escalations;

/// <summary>
/// Email through an SMTP server (<c>Escalation:Smtp:*</c>). The email says only that a concern is waiting and its
/// number: the concern itself stays in the chat, so a forwarded or misaddressed email gives nothing away.
/// </summary>
internal sealed class SmtpEscalationMailer(SmtpSettings settings) : IEscalationMailer
{
    public bool IsConfigured => !string.IsNullOrWhiteSpace(settings.Host) && !string.IsNullOrWhiteSpace(settings.From);

    public async Task SendAsync(string address, string subject, string body, CancellationToken cancellationToken)
    {
        using var client = new SmtpClient(settings.Host, settings.Port)
        {
            EnableSsl = settings.EnableSsl,
            DeliveryMethod = SmtpDeliveryMethod.Network,
            Timeout = (int)settings.Timeout.TotalMilliseconds,
        };
        if (!string.IsNullOrEmpty(settings.UserName))
        {
            client.Credentials = new NetworkCredential(settings.UserName, settings.Password);
        }

        using var message = new MailMessage(settings.From!, address, subject, body);
        try
        {
            await client.SendMailAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (SmtpException ex)
        {
            // The status code is enough to act on; the message may quote addresses.
            throw new EscalationDeliveryException("smtp-" + ex.StatusCode.ToString());
        }
    }
}

internal sealed record SmtpSettings(string? Host, int Port, string? From, bool EnableSsl, string? UserName, string? Password, TimeSpan Timeout)
{
    public static SmtpSettings Read(IConfiguration configuration) => new(
        configuration["Escalation:Smtp:Host"],
        configuration.GetValue("Escalation:Smtp:Port", 25),
        configuration["Escalation:Smtp:From"],
        configuration.GetValue("Escalation:Smtp:EnableSsl", false),
        configuration["Escalation:Smtp:UserName"],
        configuration["Escalation:Smtp:Password"],
        TimeSpan.FromSeconds(configuration.GetValue("Escalation:Smtp:TimeoutSeconds", 15)));
}
