namespace WWPS.PolicyBot.Dialogs;
