namespace CrmAI.Hub.Silo.Telegram;

public enum CallbackAction
{
    Acknowledge,
    Mute,
}
