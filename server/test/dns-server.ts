/**
 * A real DNS server for tests (dns2 over UDP on a loopback port) with a zone the test
 * changes as it goes. It answers like a recursive resolver would: a CNAME is followed
 * inside the zone for A/AAAA questions, a known name without the asked type is NODATA,
 * an unknown name NXDOMAIN, and a name marked with `fail` SERVFAIL.
 */
import dns2 from 'dns2';

const { Packet } = dns2;

export type DnsRecords = { CNAME?: string; A?: string[]; AAAA?: string[] };

export type TestDns = {
  /** `['127.0.0.1:PORT']`, for `Resolver.setServers` and pebble's `-dnsserver`. */
  servers: string[];
  port: number;
  setRecord(name: string, records: DnsRecords): void;
  remove(name: string): void;
  /** Answer SERVFAIL for this name until it is set or removed again. */
  fail(name: string): void;
  /** Every question asked, as `TYPE name`, oldest first. */
  queries: string[];
  close(): Promise<void>;
};

const TTL = 60;
// dns2 has these at runtime (Packet.RCODE) but not in its types.
const RCODE = { FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3 } as const;
const record = (name: string, type: number, data: { address: string } | { domain: string }) =>
  new Packet.Resource({ name, type, class: Packet.CLASS.IN, ttl: TTL, ...data });
const typeName = (type: number) => Object.keys(Packet.TYPE).find((k) => Packet.TYPE[k as keyof typeof Packet.TYPE] === type) ?? String(type);
const canonical = (name: string) => name.toLowerCase().replace(/\.$/, '');

export async function startDns(): Promise<TestDns> {
  const zone = new Map<string, DnsRecords | 'servfail'>();
  const queries: string[] = [];

  const server = dns2.createServer({
    udp: true,
    handle(request, send) {
      const response = Packet.createResponseFromRequest(request);
      response.header.aa = 1;
      response.header.ra = 1;
      const question = request.questions[0];
      if (!question) {
        response.header.rcode = RCODE.FORMERR;
        void send(response);
        return;
      }
      queries.push(`${typeName(question.type)} ${canonical(question.name)}`);
      let name = canonical(question.name);
      const entry = zone.get(name);
      if (entry === 'servfail') {
        response.header.rcode = RCODE.SERVFAIL;
      } else if (!entry) {
        response.header.rcode = RCODE.NXDOMAIN;
      } else {
        // Follow CNAMEs inside the zone (as a recursive resolver does), at most 8 steps.
        let records: DnsRecords | 'servfail' | undefined = entry;
        for (let step = 0; records && records !== 'servfail' && step < 8; step++) {
          if (records.CNAME) {
            response.answers.push(record(name, Packet.TYPE.CNAME, { domain: records.CNAME }));
            if (question.type === Packet.TYPE.CNAME) break;
            name = canonical(records.CNAME);
            records = zone.get(name);
            continue;
          }
          if (question.type === Packet.TYPE.A) {
            for (const address of records.A ?? []) response.answers.push(record(name, Packet.TYPE.A, { address }));
          } else if (question.type === Packet.TYPE.AAAA) {
            for (const address of records.AAAA ?? []) response.answers.push(record(name, Packet.TYPE.AAAA, { address }));
          }
          break;
        }
      }
      void send(response);
    },
  });
  const addresses = await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  const port = addresses.udp!.port;

  return {
    servers: [`127.0.0.1:${port}`],
    port,
    queries,
    setRecord(name, records) {
      zone.set(canonical(name), records);
    },
    remove(name) {
      zone.delete(canonical(name));
    },
    fail(name) {
      zone.set(canonical(name), 'servfail');
    },
    close: () => server.close(),
  };
}
