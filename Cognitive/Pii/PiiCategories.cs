namespace WWPS.PolicyBot.Cognitive.Pii;

/// <summary>Category and subcategory names, spelt as Azure AI Language spells them so either backend's output reads the same.</summary>
public static class PiiCategories
{
    public const string Person = "Person";
    public const string PhoneNumber = "PhoneNumber";
    public const string Email = "Email";
    public const string Address = "Address";
    public const string Age = "Age";
    public const string DateOfBirth = "DateOfBirth";
    public const string NhsNumber = "UKNationalHealthNumber";
    public const string NationalInsuranceNumber = "UKNationalInsuranceNumber";

    /// <summary>A person's social media handle given as a way to reach them (@name on Instagram, a Snapchat username).</summary>
    public const string SocialHandle = "SocialMediaHandle";

    /// <summary>Whether an entity of <paramref name="category"/> is a way to reach someone privately (phone, email, handle).</summary>
    public static bool IsContact(string category) => category is PhoneNumber or Email or SocialHandle;

    /// <summary>Subcategory of <see cref="Person"/> when the text shows the person is a child; redacted as [CHILD].</summary>
    public const string Child = "Child";

    /// <summary>Subcategory of <see cref="Address"/> for a postcode on its own.</summary>
    public const string Postcode = "Postcode";
}
