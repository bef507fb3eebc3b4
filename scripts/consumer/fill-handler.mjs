// Fills in what a user writes after the first `es-gen build` of the shop schemas: the Customer
// aggregate's handlers and appliers, and the custom upcaster of CustomerRegistered v1 -> v2.
// Usage: node fill-handler.mjs <project folder>
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.argv[2];

/** Replaces the body of the stub whose `throw new Error('<name> is not implemented...` line is found. */
function fill(file, name, body) {
  const path = join(root, file);
  const source = readFileSync(path, 'utf8');
  const stub = new RegExp(
    `^(\\s*)throw new Error\\(['\`]${name.replace('.', '\\.')} is not implemented[^\\n]*$`,
    'm',
  );
  const match = stub.exec(source);
  if (!match) throw new Error(`${file}: no stub of ${name} to fill in`);
  const indented = body.map((line) => `${match[1]}${line}`).join('\n');
  writeFileSync(path, source.replace(stub, indented));
}

fill('src/domain/customer.ts', 'Customer.registerCustomer', [
  'this.raiseCustomerRegistered({',
  '  firstName: command.firstName,',
  '  lastName: command.lastName,',
  '  email: command.email.toLowerCase(),',
  '});',
]);
fill('src/domain/customer.ts', 'Customer.changeEmail', [
  'const email = command.email.toLowerCase();',
  'if (email !== this.state.email) this.raiseCustomerEmailChanged({ email });',
]);
fill('src/domain/customer.ts', 'Customer.applyCustomerRegistered', ['this.state = { ...event.data };']);
fill('src/domain/customer.ts', 'Customer.applyCustomerEmailChanged', [
  'this.state.email = event.data.email;',
]);
fill('src/domain/upcasters.ts', 'upcastCustomerRegisteredV1ToV2', [
  'const name = data.name.trim();',
  "const cut = name.lastIndexOf(' ');",
  `void event;`,
  'return {',
  '  firstName: cut > 0 ? name.slice(0, cut) : name,',
  "  lastName: cut > 0 ? name.slice(cut + 1) : '',",
  '  email: data.email.trim().toLowerCase(),',
  '};',
]);
console.log('filled Customer (2 commands, 2 appliers) and the CustomerRegistered v1 -> v2 upcaster');
