namespace WWPS.PolicyBot.Tests;
