import nodemailer from 'nodemailer';

export type OutgoingMail = { from: string | { name: string; address: string }; to: string; subject: string; text: string; html: string };

/** Where mail goes: SMTP, or nowhere (kept in the outbox for the Mailbox page). */
export type Transport = { sends: boolean; send(mail: OutgoingMail): Promise<void> };

export function createTransport(smtpUrl: string | undefined): Transport {
  if (!smtpUrl) {
    return {
      sends: false,
      send: async () => {
        throw new Error('no SMTP server configured');
      },
    };
  }
  const smtp = nodemailer.createTransport(smtpUrl, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
  return {
    sends: true,
    async send(mail) {
      await smtp.sendMail(mail);
    },
  };
}
