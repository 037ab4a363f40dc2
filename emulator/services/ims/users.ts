/**
 * IMS users: the IMS 2019-08-15 view of the RAM user store (RAM 2015 CreateUser/GetUser see the
 * same users). IMS names a user by its user principal name `<UserName>@<default domain>`; the
 * emulated account has no alias, so its default domain is `<account-id>.onaliyun.com`. IMS is
 * stricter than RAM 2015 on DisplayName (1-24 characters, not 128; docs/alibaba-api.md §5.5).
 *
 * The emulator models no user access keys, so GetUser by `UserAccessKeyId` never finds a user.
 */
import { RAM_USER } from "../../limits";
import type { RamState, UserListPage, UserRecord } from "../ram/state";
import * as E from "./errors";

export interface ImsUsersOptions {
  accountId: string;
  ram: RamState;
}

export interface CreateImsUserInput {
  userPrincipalName: string;
  displayName: string;
  comments?: string;
  email?: string;
  mobilePhone?: string;
}

export class ImsUsers {
  constructor(private readonly opts: ImsUsersOptions) {}

  get defaultDomain(): string {
    return `${this.opts.accountId}.onaliyun.com`;
  }

  userPrincipalName(u: UserRecord): string {
    return `${u.userName}@${this.defaultDomain}`;
  }

  create(input: CreateImsUserInput): UserRecord {
    const userName = this.userNameOf(input.userPrincipalName);
    const max = RAM_USER.imsDisplayName.maxLength;
    if (input.displayName.length > max) throw E.invalidLength("DisplayName", input.displayName.length, max);
    const cmax = RAM_USER.comments.maxLength;
    if (input.comments !== undefined && input.comments.length > cmax) {
      throw E.invalidLength("Comments", input.comments.length, cmax);
    }
    return this.opts.ram.createUser({
      userName,
      displayName: input.displayName,
      comments: input.comments,
      email: input.email,
      mobilePhone: input.mobilePhone,
    });
  }

  /** Exactly one of the three identifies the user (the SDK's doc says "only one"). */
  get(by: { userPrincipalName?: string; userId?: string; userAccessKeyId?: string }): UserRecord {
    const given = Object.entries(by).filter(([, v]) => v !== undefined);
    if (given.length !== 1)
      throw E.exactlyOneOf(["UserPrincipalName", "UserId", "UserAccessKeyId"], given.length);
    if (by.userPrincipalName !== undefined) return this.byUpn(by.userPrincipalName);
    if (by.userId !== undefined) {
      const u = this.opts.ram.findUserById(by.userId);
      if (!u) throw E.userNotExist(by.userId);
      return u;
    }
    throw E.userNotExist(by.userAccessKeyId ?? "");
  }

  delete(by: { userPrincipalName?: string; userId?: string }): void {
    const given = Object.entries(by).filter(([, v]) => v !== undefined);
    if (given.length !== 1) throw E.exactlyOneOf(["UserPrincipalName", "UserId"], given.length);
    const user = this.get(by);
    this.opts.ram.deleteUser(user.userName);
  }

  list(opts: { marker?: string; maxItems?: number }): UserListPage {
    const { min, max, default: def } = RAM_USER.listMaxItems;
    const maxItems = opts.maxItems ?? def;
    if (!Number.isInteger(maxItems) || maxItems < min || maxItems > max) {
      throw E.invalidRange("MaxItems", maxItems, min, max);
    }
    return this.opts.ram.listUsers({ marker: opts.marker, maxItems });
  }

  private byUpn(upn: string): UserRecord {
    let userName: string;
    try {
      userName = this.userNameOf(upn);
    } catch {
      throw E.userNotExist(upn);
    }
    const u = this.opts.ram.findUser(userName);
    if (!u) throw E.userNotExist(upn);
    return u;
  }

  /** Validates `<username>@<default domain>` (domain case-insensitive) and returns the username. */
  private userNameOf(upn: string): string {
    const { maxLength, domainSuffix } = RAM_USER.userPrincipalName;
    if (upn.length > maxLength) throw E.invalidLength("UserPrincipalName", upn.length, maxLength);
    const at = upn.lastIndexOf("@");
    if (at === -1) throw E.invalidFormat("UserPrincipalName", `expected <username>@${this.defaultDomain}`);
    const userName = upn.slice(0, at);
    const domain = upn.slice(at + 1);
    const name = RAM_USER.name;
    if (userName.length < 1 || userName.length > name.maxLength) {
      throw E.invalidLength("UserPrincipalName", userName.length, name.maxLength);
    }
    if (!name.pattern.test(userName)) throw E.invalidChars("UserPrincipalName", name.rule);
    if (!domain.toLowerCase().endsWith(domainSuffix) || domain.toLowerCase() !== this.defaultDomain) {
      throw E.invalidUserPrincipalNameDomain(upn, this.defaultDomain);
    }
    return userName;
  }
}
